import json,re,sys,pathlib
for d in sorted(pathlib.Path(__file__).parent.iterdir()):
    if not d.is_dir(): continue
    k=json.load(open(d/'answer_key.json'))
    urls=re.findall(r'https?://[^\s<>")\]]+',(d/'paste.txt').read_text())
    urls=[u.rstrip('.,;') for u in urls]
    seen=[];[seen.append(u) for u in urls if u not in seen]
    ok = set(seen)==set(k['links'])
    print(d.name, 'links ok' if ok else ('MISMATCH', set(seen)^set(k['links'])), k['entry_count'])
