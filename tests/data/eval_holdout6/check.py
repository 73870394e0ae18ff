"""Check each case: answer_key links equal the URLs in paste.txt, responders appear in paste."""
import json, re, sys, pathlib
root = pathlib.Path(__file__).parent
ok = True
for case in sorted(p for p in root.iterdir() if p.is_dir()):
    paste = (case / "paste.txt").read_text()
    key = json.loads((case / "answer_key.json").read_text())
    urls = sorted(set(u.rstrip(".,)>") for u in re.findall(r'https?://[^\s<>|"]+', paste)))
    if sorted(set(key["links"])) != urls:
        ok = False; print(case.name, "LINKS", set(urls) ^ set(key["links"]))
    for r in key["responders"]:
        if r not in paste:
            ok = False; print(case.name, "RESPONDER missing", r)
    print(case.name, "entries", key["entry_count"], "links", len(urls))
sys.exit(0 if ok else 1)
