package load_test

import (
	"fmt"
	"time"

	"github.com/cbsim/cbsim/load"
	"github.com/cbsim/cbsim/simulator"
)

// ExampleMerge counts the results of two shards apart, as two machines
// would, and merges their reports into the figures of the whole run.
func ExampleMerge() {
	var reports []*load.Report
	for shard := 0; shard < 2; shard++ {
		m := load.NewMetrics()
		for j := uint64(shard); j < 10; j += 2 {
			m.Add(&load.Result{Kind: load.KindPostback, Event: simulator.InitialPurchase, Journey: j,
				Start: time.Duration(j) * 100 * time.Millisecond, Latency: time.Duration(j+1) * time.Millisecond})
		}
		m.Wall = time.Second
		reports = append(reports, m.Report(load.RunParams{Seed: 7, ShardIndex: shard, ShardCount: 2}, nil))
	}
	all, err := load.Merge(reports...)
	if err != nil {
		fmt.Println(err)
		return
	}
	l := all.Postbacks.Latency
	fmt.Printf("%s: %d requests, %d journeys, %.0f postbacks/s, p50 %dµs, max %dµs\n",
		all.ShardLabel(), all.Requests, all.Journeys, all.PostbacksPerSecond, l.P50US, l.MaxUS)
	// Output: all 2 shards: 10 requests, 10 journeys, 10 postbacks/s, p50 5003µs, max 10007µs
}
