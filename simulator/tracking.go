package simulator

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cbsim/cbsim/simulator/ids"
	"github.com/cbsim/cbsim/simulator/macro"
)

// TrackingParams returns the names of the affiliate tracking parameters
// ClickBank carries from the click to every event: the macros of the
// catalog that are tracking parameters.
func TrackingParams() []string { return macro.TrackingParams() }

// ValidateTracking checks affiliate tracking parameters by name and value
// (docs/clickbank.md §3).
func ValidateTracking(params map[string]string) error {
	names := make([]string, 0, len(params))
	for name := range params {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		m, ok := macro.Lookup(name)
		if !ok || m.Tracking == 0 {
			return fmt.Errorf("unknown tracking parameter %q (allowed: %s)", name, strings.Join(TrackingParams(), ", "))
		}
		if err := ids.ValidateTrackingValue(name, params[name], m.Tracking); err != nil {
			return err
		}
	}
	return nil
}
