import json,re,sys,os
def mk(d,src,title,date,tz,st,de,mi,re_,how,resp,countre,srcmd):
    p=open(f'{d}/paste.txt').read()
    links=[]
    for u in re.findall(r'https?://[^\s)>\]"\'|,]+',p):
        u=u.rstrip('.')
        if u not in links: links.append(u)
    n=len(re.findall(countre,p,re.M))
    k=dict(source=src,title=title,date_hint=date,tz_hint=tz,started_at=st,detected_at=de,mitigated_at=mi,resolved_at=re_,how_labeled=how,responders=resp,links=links,reconstructed=True,entry_count=n)
    json.dump(k,open(f'{d}/answer_key.json','w'),indent=2)
    open(f'{d}/SOURCE.md','w').write(srcmd)
    print(d,n,len(links))
