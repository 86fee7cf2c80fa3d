package faketracker

import "fmt"

// Broken names a deliberate defect of a fake's broken twin, so a suite can
// prove that it notices a tracker that records the wrong thing. The zero
// value is a faithful fake.
type Broken string

// The broken twins. What each alters, per tracker, is documented on the
// fake's options (Prosper202Options.Broken, OrbitraOptions.Broken).
const (
	NotBroken     Broken = ""        // behaves as the real tracker
	BrokenSum     Broken = "sum"     // records a different amount than the one sent
	BrokenClickID Broken = "clickid" // records the conversion under an altered click id
)

// validate refuses a name that is not one of the constants.
func (b Broken) validate() error {
	switch b {
	case NotBroken, BrokenSum, BrokenClickID:
		return nil
	}
	return fmt.Errorf("faketracker: Broken %q is not a defect: use %q, %q or %q (none)", string(b), BrokenSum, BrokenClickID, NotBroken)
}
