# The unea-mandates service (API + search page). Not built in this repository's CI (no Docker engine there).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    UNEA_MANDATES_HOME=/data
WORKDIR /app

# torch first, as the CPU build: otherwise sentence-transformers pulls a multi-GB CUDA build.
RUN pip install --index-url https://download.pytorch.org/whl/cpu torch==2.13.0 \
    || pip install torch==2.13.0
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
RUN pip install --no-deps . && useradd --create-home --uid 10001 app && mkdir -p /data && chown app /data
USER app
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health')"
CMD ["unea-mandates", "serve", "--host", "0.0.0.0", "--port", "8000", "--ingest-bundled"]
