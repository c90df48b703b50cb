FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml ./
COPY . .
RUN pip install --no-cache-dir . && python manage.py compilemessages -v0 2>/dev/null || true
RUN useradd --system --home /app taxsite && mkdir -p /data/media /data/static && chown -R taxsite /data
USER taxsite
ENV MEDIA_ROOT=/data/media STATIC_ROOT=/data/static
EXPOSE 8000
CMD ["gunicorn", "taxsite.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "4"]
