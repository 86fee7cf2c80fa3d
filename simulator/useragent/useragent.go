// Package useragent tells a buyer's device type and browser from the
// User-Agent header, for the {device_type} and {browser} macros of the
// storefront's postbacks. It is a pure leaf: substring rules over the
// header, no I/O, no state.
//
// Devices are those simulator/buyer.go draws: desktop, mobile, tablet.
// Browsers are named as simulator/buyer.go names them (Chrome, Safari,
// Firefox, Edge) plus Opera, Samsung Internet and Internet Explorer.
// ClickBank does not publish how it derives these values; the rules here
// are the common ones of the browsers' own User-Agent formats [choice].
package useragent

import "strings"

// The devices Parse returns.
const (
	Desktop = "desktop"
	Mobile  = "mobile"
	Tablet  = "tablet"
)

// Other is the browser of a User-Agent that names none Parse knows (curl,
// a bot, Go's HTTP client) [choice].
const Other = "Other"

// Parse returns the device type and browser of the User-Agent ua. An
// empty ua tells nothing: ("", ""), so that a caller draws both as it
// would for a simulated buyer. A non-empty ua Parse does not recognise is
// a desktop with browser Other [choice].
func Parse(ua string) (device, browser string) {
	if strings.TrimSpace(ua) == "" {
		return "", ""
	}
	return deviceOf(ua), browserOf(ua)
}

// deviceOf: tablets first (an iPad, an Android without "Mobile", Kindle
// and Silk, a "Tablet" token), then phones (a "Mobi" token, iPhone, iPod,
// Android, Windows Phone), else desktop.
func deviceOf(ua string) string {
	has := func(s string) bool { return strings.Contains(ua, s) }
	switch {
	case has("iPad"), has("Tablet"), has("Kindle"), has("Silk/"),
		has("Android") && !has("Mobile"):
		return Tablet
	case has("Mobi"), has("iPhone"), has("iPod"), has("Android"), has("Windows Phone"):
		return Mobile
	}
	return Desktop
}

// browserRules are checked in order: a browser built on another names
// that one too (Edge and Opera say Chrome and Safari, Chrome says Safari),
// so the most specific comes first.
var browserRules = []struct {
	tokens  []string
	browser string
}{
	{[]string{"Edg/", "Edge/", "EdgA/", "EdgiOS/"}, "Edge"},
	{[]string{"OPR/", "Opera", "OPiOS/"}, "Opera"},
	{[]string{"SamsungBrowser/"}, "Samsung Internet"},
	{[]string{"Firefox/", "FxiOS/"}, "Firefox"},
	{[]string{"Chrome/", "CriOS/", "Chromium/"}, "Chrome"},
	{[]string{"Safari/"}, "Safari"},
	{[]string{"MSIE ", "Trident/"}, "Internet Explorer"},
}

func browserOf(ua string) string {
	for _, r := range browserRules {
		for _, t := range r.tokens {
			if strings.Contains(ua, t) {
				return r.browser
			}
		}
	}
	// an in-app iOS web view says neither Safari/ nor a browser's name
	if strings.Contains(ua, "AppleWebKit/") && (strings.Contains(ua, "iPhone") || strings.Contains(ua, "iPad")) {
		return "Safari"
	}
	return Other
}
