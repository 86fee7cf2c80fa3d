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
package load
