"""The console's <link rel="modulepreload"> lines name the chunks its built module imports,
read from the built file once per process (like the inline style sheets), not on every
request of the console."""

from pathlib import Path

from django.test import Client

from frontend import views


def test_the_console_reads_its_modules_chunks_once_per_process(demo, monkeypatch):
    views.module_preloads.cache_clear()
    reads = []
    read_text = Path.read_text

    def counted(self, *args, **kwargs):
        if self.name == "console.js":
            reads.append(self)
        return read_text(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", counted)
    client = Client()
    client.force_login(demo.anna)
    pages = [client.get("/console/").content.decode() for _ in range(3)]
    assert len(reads) == 1
    for chunk in views.module_preloads("console.js"):
        assert all(f'rel="modulepreload" href="/static/{chunk}' in page for page in pages)
