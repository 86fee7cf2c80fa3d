package ids

import (
	"fmt"
	"strings"
)

// TIDRule is a generation of ClickBank's rule for the affiliate TID
// (docs/clickbank.md §2). Under every rule a TID with a character the rule
// does not allow is dropped whole, and a TID longer than the rule allows is
// cut to that length: the legacy rules did so by ClickBank's own words
// ("up to 24 characters, after which they will truncate"); for today's
// 100-character limit nothing public says, and cutting is the project's
// choice, with TIDCurrentStrict for those who expect a drop.
type TIDRule int

const (
	// TIDCurrent is today's rule: [a-z0-9_], cut to 100 characters.
	TIDCurrent TIDRule = iota
	// TIDLegacy24 is the older rule: letters and digits, cut to 24
	// characters and forced to upper case.
	TIDLegacy24
	// TIDLegacy8 is the oldest rule: letters and digits, cut to 8
	// characters and forced to upper case.
	TIDLegacy8
	// TIDCurrentStrict is today's rule with an overlong TID dropped whole
	// instead of cut.
	TIDCurrentStrict
)

// TIDRules lists the accepted rule names, for error messages and flags.
const TIDRules = "current, current-strict, legacy24, legacy8"

// ParseTIDRule parses a rule name as accepted by the --tid-rule flag.
func ParseTIDRule(s string) (TIDRule, error) {
	switch s {
	case "", "current":
		return TIDCurrent, nil
	case "current-strict":
		return TIDCurrentStrict, nil
	case "legacy24", "legacy":
		return TIDLegacy24, nil
	case "legacy8":
		return TIDLegacy8, nil
	}
	return 0, fmt.Errorf("unknown TID rule %q (allowed: %s)", s, TIDRules)
}

// String returns the rule's name.
func (r TIDRule) String() string {
	switch r {
	case TIDLegacy24:
		return "legacy24"
	case TIDLegacy8:
		return "legacy8"
	case TIDCurrentStrict:
		return "current-strict"
	}
	return "current"
}

// NormalizeTID applies rule to a TID as ClickBank receives it on a hoplink.
// It returns the TID ClickBank keeps (cut to the rule's length, upper-cased
// by the legacy rules), or an error saying why ClickBank drops it whole: a
// character the rule does not allow anywhere in it, or, under
// TIDCurrentStrict, its length.
func NormalizeTID(tid string, rule TIDRule) (string, error) {
	if tid == "" {
		return "", nil
	}
	limit, allowed := 100, "[a-z0-9_]"
	ok := func(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' }
	switch rule {
	case TIDLegacy24, TIDLegacy8:
		limit, allowed, ok = 24, "letters and digits", isAlnum
		if rule == TIDLegacy8 {
			limit = 8
		}
	}
	for i := 0; i < len(tid); i++ {
		if !ok(tid[i]) {
			return "", fmt.Errorf("tid %q has %q at position %d, the %s rule allows only %s", tid, tid[i], i+1, rule, allowed)
		}
	}
	if len(tid) > limit {
		if rule == TIDCurrentStrict {
			return "", fmt.Errorf("tid is %d characters, the %s rule allows at most %d", len(tid), rule, limit)
		}
		tid = tid[:limit]
	}
	if rule == TIDLegacy24 || rule == TIDLegacy8 {
		tid = strings.ToUpper(tid)
	}
	return tid, nil
}

// ValidateVTID checks a vendor tracking id: at most 100 letters, digits or
// underscores, starting with a letter or digit, with no "__".
func ValidateVTID(vtid string) error {
	if vtid == "" {
		return nil
	}
	if len(vtid) > 100 {
		return fmt.Errorf("vtid is %d characters, at most 100 are allowed", len(vtid))
	}
	if !isAlnum(vtid[0]) {
		return fmt.Errorf("vtid %q must start with a letter or digit", vtid)
	}
	for i := 0; i < len(vtid); i++ {
		if c := vtid[i]; !isAlnum(c) && c != '_' {
			return fmt.Errorf("vtid %q has %q at position %d, only letters, digits and _ are allowed", vtid, c, i+1)
		}
	}
	if strings.Contains(vtid, "__") {
		return fmt.Errorf("vtid %q must not contain \"__\"", vtid)
	}
	return nil
}

// ValidateNickname checks a ClickBank account nickname (5 to 10 letters or
// digits) and returns it lower-cased, the way ClickBank shows it.
func ValidateNickname(nick string) (string, error) {
	if len(nick) < 5 || len(nick) > 10 {
		return "", fmt.Errorf("nickname %q must be 5 to 10 letters or digits", nick)
	}
	for i := 0; i < len(nick); i++ {
		if !isAlnum(nick[i]) {
			return "", fmt.Errorf("nickname %q has %q, only letters and digits are allowed", nick, nick[i])
		}
	}
	return strings.ToLower(nick), nil
}

// ValidateItem checks a product item number (SKU): letters, digits and dashes.
func ValidateItem(item string) error {
	if item == "" {
		return fmt.Errorf("item number is empty")
	}
	if len(item) > 50 {
		return fmt.Errorf("item number %q is longer than 50 characters", item)
	}
	for i := 0; i < len(item); i++ {
		if c := item[i]; !isAlnum(c) && c != '-' {
			return fmt.Errorf("item number %q has %q, only letters, digits and - are allowed", item, c)
		}
	}
	return nil
}

// ValidateTrackingValue checks an affiliate tracking parameter value: at
// most max characters of A-Za-z0-9, space, _, - and +.
func ValidateTrackingValue(name, v string, max int) error {
	if len(v) > max {
		return fmt.Errorf("%s is %d characters, at most %d are allowed", name, len(v), max)
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; !isAlnum(c) && c != ' ' && c != '_' && c != '-' && c != '+' {
			return fmt.Errorf("%s has %q at position %d, only A-Za-z0-9, space, _, - and + are allowed", name, c, i+1)
		}
	}
	return nil
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
