"""The bare-stack reference of the dispatch benchmark (issue 18): what a Django team would
write for the same job with the same stack and nothing else. A dispatch is one INSERT, then
`group_send` to the unit's group; a socket joins a group when it subscribes. No event log,
sequence, replay, access log, timers, checks or authentication. It answers the same routes
and socket protocol the benchmark's client speaks (bench.clients, bench.run.Api), so the
client code is the same for both and the ratio measures the server side."""
