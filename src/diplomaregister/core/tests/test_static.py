"""Static files: collected (hashed, compressed) with the production storage and served by
WhiteNoise with a far-future cache header; in development served from the apps directly."""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.http import HttpResponse
from django.templatetags.static import static
from django.test import RequestFactory, override_settings
from whitenoise.middleware import WhiteNoiseMiddleware

PRODUCTION_STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
CSS = "diplomaregister/site.css"


def test_whitenoise_serves_and_static_root_is_under_var():
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in settings.MIDDLEWARE
    assert Path(settings.STATIC_ROOT) == Path(settings.VAR_DIR) / "static"


def test_development_serves_app_static_files_without_collectstatic(client):
    response = client.get(static(CSS))
    assert response.status_code == 200
    assert b"".join(response.streaming_content)


def test_collected_files_are_hashed_compressed_and_served_forever(tmp_path):
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=PRODUCTION_STORAGES,
                           WHITENOISE_USE_FINDERS=False, WHITENOISE_AUTOREFRESH=False):  # fmt: skip
        call_command("collectstatic", interactive=False, verbosity=0)
        assert (tmp_path / "staticfiles.json").exists()
        url = static(CSS)
        assert url != f"/static/{CSS}" and url.endswith(".css")  # content-hashed name
        assert (tmp_path / (url.removeprefix("/static/") + ".gz")).exists()
        middleware = WhiteNoiseMiddleware(lambda request: HttpResponse(status=404))
        response = middleware(RequestFactory().get(url, HTTP_ACCEPT_ENCODING="gzip"))
        assert response.status_code == 200
        assert "immutable" in response["Cache-Control"]
        assert response["Content-Encoding"] == "gzip"
