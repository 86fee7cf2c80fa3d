package control

import (
	"context"
	"time"

	"github.com/cbsim/cbsim/simulator"
)

// replayBody is the JSON of POST /journal/replay: one failed delivery by
// its journal number, or every failed one since a time.
type replayBody struct {
	N     *int64  `json:"n"`
	Since *string `json:"since"`
}

// replayResult is the answer of POST /journal/replay.
type replayResult struct {
	Deliveries []simulator.DeliveryRecord `json:"deliveries"`
}

// replay serves POST /journal/replay: {"n": N} resends the failed delivery
// numbered N (Simulator.Replay: 404 when the journal does not hold it, 400
// naming "n" when it did not fail); {"since": RFC 3339} resends every
// failed delivery journaled since then that no later one replays
// (Simulator.ReplayFailed). The answer is {"deliveries": [...]}: the
// replays as journaled, each with its "n" and "replay_of".
func (h *Handler) replay(ctx context.Context, b *replayBody) (replayResult, error) {
	switch {
	case b.N == nil && b.Since == nil:
		return replayResult{}, refuse(EInvalid, "n", `give "n" (a failed delivery's journal number) or "since" (an RFC 3339 time)`)
	case b.N != nil && b.Since != nil:
		return replayResult{}, refuse(EInvalid, "since", `give "n" or "since", not both`)
	case b.N != nil:
		d, err := h.sim.Replay(ctx, *b.N)
		if err != nil {
			if e := errorOf(err); e.Code == ENotFound {
				e.Param = "n"
				return replayResult{}, e
			}
			return replayResult{}, err
		}
		return replayBodyOf([]simulator.Delivery{d}), nil
	}
	since, err := time.Parse(time.RFC3339Nano, *b.Since)
	if err != nil {
		return replayResult{}, refuse(EInvalid, "since", "%q is not an RFC 3339 time such as 2026-01-02T15:04:05Z", clipText(*b.Since, 40))
	}
	return replayBodyOf(h.sim.ReplayFailed(ctx, since)), nil
}

func replayBodyOf(ds []simulator.Delivery) replayResult {
	return replayResult{Deliveries: runBody(ds, nil).Deliveries}
}
