package steps

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/cbsim/cbsim/simulator"
)

// ObserveOnly is a tracker with no click API and no reporting API: only
// what ClickBank sent and the tracker's HTTP replies can be asserted. It is
// a Reporter that does not report, so Register skips, with the reason, the
// steps that read what the tracker recorded (a step that is run anyway
// fails with ErrNotSupported).
type ObserveOnly struct {
	URL string // the tracker's postback URL, e.g. https://trk.example.com/postback
}

var _ Reporter = ObserveOnly{}

// Reports returns false: there is no reporting API.
func (ObserveOnly) Reports() bool { return false }

// Click invents a click id in RedTrack's shape: there is no tracker to ask.
func (o ObserveOnly) Click(ctx context.Context, role simulator.Role) (Click, error) {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		return Click{}, err
	}
	return Click{ID: hex.EncodeToString(b[:])}, nil
}

// PostbackURL returns URL without a query.
func (o ObserveOnly) PostbackURL() string {
	u, _, _ := strings.Cut(o.URL, "?")
	return u
}

// Conversions is not supported: there is no reporting API.
func (ObserveOnly) Conversions(context.Context, string) ([]Conversion, error) {
	return nil, fmt.Errorf("conversions: %w", ErrNotSupported)
}

// Rejections is not supported: there is no rejections log.
func (ObserveOnly) Rejections(context.Context) ([]Rejection, error) {
	return nil, fmt.Errorf("rejections: %w", ErrNotSupported)
}
