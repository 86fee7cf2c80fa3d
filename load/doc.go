// Package load generates ClickBank-shaped traffic against a tracker: many
// journeys per second, each a real walk of the simulator's catalog with its
// own click id, receipts, event ids and sums, sent as postbacks over a
// small HTTP/1.1 client fast enough that the tracker, not cbsim, is the
// bottleneck. It then reads the tracker back through its profile and says
// what was lost, doubled or recorded with a wrong sum.
//
// One file per concept, after tsenart/vegeta's lib/: pacer.go (rate
// shapes), shard.go (splitting the seed space), source.go (journeys and
// their postback URLs), client.go (the HTTP/1.1 client), attack.go (the
// engine and the ClickBank-side faults), result.go (what one request did),
// metrics.go (histograms and counters, mergeable across shards),
// report*.go (text, JSON, HTML), progress.go (the terminal line) and
// verify.go (the lost / doubled / wrong-sum check).
//
// The engine streams []Result batches on a channel; Metrics and Ledger
// consume them. A fault of the tracker is data in a Result, never an
// error of the run.
//
// Speed (issue 15): every request is a distinct journey's real URL, one
// request in flight per connection (no pipelining). A journey's URLs are
// appended to one buffer (simulator.AppendURL) and become one string; a
// request is one write, and over plain TCP the write runs inside
// RawConn.Read so that no read finds the socket empty first (client.go).
// BenchmarkJourney, BenchmarkAttack and, against a loopback nginx named by
// $CBSIM_BENCH_URL, BenchmarkAttackURL measure it; compare the last with
// wrk on the same URL. [choice] The engine leaves GOGC and GOMAXPROCS
// alone: GOGC=400 made no difference measurable on a shared 2-core box,
// and GOMAXPROCS is the whole process's to set (with the tracker on the
// same 2 cores, GOMAXPROCS=1 used about 15% less CPU per postback).
package load
