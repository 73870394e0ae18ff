import json, re, sys, pathlib
d = pathlib.Path(sys.argv[1]); meta = json.loads(sys.argv[2])
txt = (d/"paste.txt").read_text()
links = []
for u in re.findall(r"https?://[^\s<>|)\]]+", txt):
    if u not in links: links.append(u)
meta["links"] = links
(d/"answer_key.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False)+"\n")
print(len(links), links)
