"""The Kibana saved objects: current with their generator, every field they name is in the mapping,
and `wirefeed kibana import` sends them as Kibana's import API expects."""
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from wirefeed import kibana
from wirefeed.cli import main
from wirefeed.es_io import index_template

_KQL_FIELD = re.compile(r"([A-Za-z_@][\w.@]*)\s*(?::|>=|<=|>|<)")


def mapped_fields(properties: dict, prefix: str = "") -> set[str]:
    fields = set()
    for name, spec in properties.items():
        fields.add(prefix + name)
        fields |= mapped_fields(spec.get("properties", {}), f"{prefix}{name}.")
    return fields


def referenced_fields(objects: list[dict]) -> set[str]:
    found = set()
    for obj in objects:
        attributes = obj["attributes"]
        found |= set(attributes.get("columns", [])) | {field for field, _ in attributes.get("sort", [])}
        if "timeFieldName" in attributes:
            found.add(attributes["timeFieldName"])
        source = json.loads(attributes.get("kibanaSavedObjectMeta", {}).get("searchSourceJSON", "{}"))
        found |= set(_KQL_FIELD.findall(source.get("query", {}).get("query", "")))
        for agg in json.loads(attributes.get("visState", "{}")).get("aggs", []):
            if "field" in agg.get("params", {}):
                found.add(agg["params"]["field"])
    return found


def test_the_ndjson_is_current():
    assert kibana.ndjson_path().read_text(encoding="utf-8") == kibana.ndjson()


def test_every_referenced_field_exists_in_the_mapping():
    objects = [json.loads(line) for line in kibana.ndjson().splitlines()]
    mapping = mapped_fields(index_template("wirefeed-docs")["template"]["mappings"]["properties"])
    referenced = referenced_fields(objects)
    assert {"language", "wire_agency", "copies", "source.name", "topics.label", "@timestamp"} <= referenced
    assert referenced <= mapping, referenced - mapping


def test_references_resolve_within_the_file():
    objects = [json.loads(line) for line in kibana.ndjson().splitlines()]
    ids = {(o["type"], o["id"]) for o in objects}
    for obj in objects:
        for ref in obj["references"]:
            assert (ref["type"], ref["id"]) in ids, ref
    titles = [o["attributes"]["title"] for o in objects if o["type"] == "search"]
    assert "wirefeed: AFP stories" in titles and "wirefeed: latest in Arabic" in titles


def test_import_posts_the_ndjson_with_credentials_from_the_environment(monkeypatch, capsys):
    received = {}

    class FakeKibanaEndpoint(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.update(path=self.path, xsrf=self.headers.get("kbn-xsrf"),
                            auth=self.headers.get("Authorization"), body=body)
            answer = json.dumps({"success": True, "successCount": body.count(b'"type"')}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeKibanaEndpoint)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("KIBANA_API_KEY", "c2VjcmV0LWtleQ==")
    try:
        code = main(["kibana", "import", "--url", f"http://127.0.0.1:{server.server_port}", "--space", "news"])
    finally:
        server.shutdown()
    assert code == 0
    assert received["path"] == "/s/news/api/saved_objects/_import?overwrite=true"
    assert received["xsrf"] and received["auth"] == "ApiKey c2VjcmV0LWtleQ=="
    assert b'"wirefeed-overview"' in received["body"] and b"filename=" in received["body"]
    captured = capsys.readouterr()
    assert "c2VjcmV0" not in captured.out + captured.err
