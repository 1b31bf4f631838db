"""The /v1 API routers (thin: parse, call the layers below, format) and their response models."""
