# The server image: the package and its Redis client are installed once, at build time.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY parse_clone ./parse_clone
RUN pip install --no-cache-dir '.[redis]'
COPY schema.json ./
COPY cloud ./cloud
EXPOSE 1337
HEALTHCHECK --interval=10s --timeout=3s --retries=5 \
  CMD python -c "import urllib.request,os; urllib.request.urlopen('http://127.0.0.1:1337/parse/health')"
CMD ["parse-clone", "serve"]
