package profile

import (
	"fmt"
	"net/url"
)

// HasINS reports whether the profile names an INS endpoint (ins:).
func (p *Profile) HasINS() bool { return p.ins != nil }

// INS returns the tracker's INS URL (ins.url expanded) and the secret key
// ClickBank seals its notifications with (the value of the setting
// ins.secret_setting names). An error wrapping ErrNotSupported says why
// there is none: the profile has no ins: section, or the secret, or a
// value the URL needs, was not given (the settings of ins: are optional
// at Bind, so that a profile with INS drives a tracker without it).
func (t *Tracker) INS() (insURL, secret string, err error) {
	spec := t.p.ins
	if spec == nil {
		return "", "", fmt.Errorf("profile %s names no INS URL (no ins: section): %w", t.p.Name, ErrNotSupported)
	}
	for _, name := range spec.url.names() {
		if _, ok := t.vals[name]; !ok && name != phTracker && name != phAPI {
			return "", "", fmt.Errorf("profile %s's INS URL needs setting %s (give --set %s=VALUE): %w", t.p.Name, name, name, ErrNotSupported)
		}
	}
	u, err := spec.url.expand(t.vals)
	if err != nil {
		return "", "", fmt.Errorf("profile %s: ins.url: %w", t.p.Name, err)
	}
	if pu, err := url.Parse(u); err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" {
		return "", "", fmt.Errorf("profile %s: the INS URL %q is not an absolute http(s) URL (give the tracker's base URL, --tracker)", t.p.Name, u)
	}
	secret = t.vals[spec.secret]
	if secret == "" {
		return "", "", fmt.Errorf("profile %s names an INS URL (%s) but its secret key is not given (--set %s=KEY: %s): %w",
			t.p.Name, u, spec.secret, t.p.settings[spec.secret].Doc, ErrNotSupported)
	}
	return u, secret, nil
}
