"""Write answer_key.json for a case: links are read from paste.txt."""
import json, re, sys, pathlib
def write(case, entry_count, **kw):
    d = pathlib.Path(__file__).parent / case
    paste = (d / "paste.txt").read_text()
    urls = []
    for u in re.findall(r'https?://[^\s<>|"]+', paste):
        u = u.rstrip(".,)>")
        if u not in urls:
            urls.append(u)
    key = {k: kw[k] for k in ("source", "title", "date_hint", "tz_hint", "started_at",
                              "detected_at", "mitigated_at", "resolved_at", "how_labeled", "responders")}
    key["links"] = urls
    key["reconstructed"] = True
    key["entry_count"] = entry_count
    (d / "answer_key.json").write_text(json.dumps(key, indent=2) + "\n")
