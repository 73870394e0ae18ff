from mk import mk
U="https://status.fivetran.com/incidents/khn3hdxxwfxm"
mk("fivetran-2020-05-01-webhook-heartbeat",U,"Fivetran internal webhook service outage","2020-05-01","America/Los_Angeles",
"2020-05-01T11:00:00-07:00",None,"2020-05-01T23:00:00-07:00","2020-05-01T23:00:00-07:00",
"Report: outage 2020-05-01 18:00 UTC to 2020-05-02 06:00 UTC (= 11:00 to 23:00 PDT). started = 18:00 UTC. Report gives no detection time -> null. Mitigation (heartbeat timeout increase) and resolution both taken as the stated end of the outage, 06:00 UTC.",
["Dana Okafor","Ravi Menon","Kofi Asante","Mei Tanaka","Gwen Hollis"],
r'^(\d{1,2}:\d{2} [AP]M|APP  \d{1,2}:\d{2} [AP]M)$',
f"Post-mortem: {U} (Fivetran status page, 'Fivetran Internal Webhook Service Outage').\nChat: reconstructed, written from the report with invented people; not a real chat. Format: Slack desktop copy with a thread stub.\nLicence: facts from a public status page; chat text is original.\n")
