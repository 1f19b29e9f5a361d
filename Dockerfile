# Production image: gunicorn serving ogc-hysds. Settings come from the environment
# (OGC_HYSDS_*) or a mounted file named by OGC_HYSDS_CONFIG.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    OGC_HYSDS_CONFIG=/app/config/ogc-hysds.yml

RUN useradd --system --create-home --uid 10001 ogchysds
WORKDIR /app

# Same install step as `make install`, minus the test extras.
COPY pyproject.toml README.md ./
COPY ogc_hysds ./ogc_hysds
COPY config ./config
COPY process_descriptions ./process_descriptions
RUN pip install --upgrade pip && pip install .

USER ogchysds
EXPOSE 5000

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:5000/health', timeout=4).status == 200 else 1)"

CMD ["gunicorn", "--bind", "0.0.0.0:5000", "--workers", "4", "--threads", "4", \
     "--access-logfile", "-", "ogc_hysds.wsgi:app()"]
