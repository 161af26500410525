"""The actions that change an incident, one module per part: lifecycle (raise, confirm,
reject, stand down), alarm (the regional alarm to regions and contacts, acknowledgements),
cap_delivery (CAP messages to the regions' endpoints), pledges, reports (METHANE), triage;
log and events are shared by all of them."""
