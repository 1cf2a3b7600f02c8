# letterwatch: API, worker or both, on SQLite (default) or PostgreSQL (LETTERWATCH_DATABASE_URL).
FROM python:3.11-slim AS build
WORKDIR /src
RUN python -m venv /opt/letterwatch
# The locked runtime set, every file checked against its hash; then letterwatch alone.
COPY requirements/runtime.txt ./requirements/
RUN /opt/letterwatch/bin/pip install --no-cache-dir --require-hashes -r requirements/runtime.txt
COPY pyproject.toml README.md LICENSE ./
COPY events ./events
COPY store ./store
COPY scrapers ./scrapers
COPY service ./service
RUN /opt/letterwatch/bin/pip install --no-cache-dir --no-deps . \
    && /opt/letterwatch/bin/pip check

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 letterwatch
COPY --from=build /opt/letterwatch /opt/letterwatch
ENV PATH=/opt/letterwatch/bin:$PATH \
    LETTERWATCH_DATABASE_URL=sqlite:////data/letterwatch.db \
    LETTERWATCH_HOST=0.0.0.0 \
    LETTERWATCH_LOG_FORMAT=json \
    PYTHONUNBUFFERED=1
RUN mkdir /data && chown letterwatch /data
USER 10001
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
ENTRYPOINT ["letterwatch"]
CMD ["serve"]
