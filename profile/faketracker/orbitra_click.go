package faketracker

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"errors"
	"net/http"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Orbitra's click, index.php (commit
// a7d89eb94c6e9f5529d81aaf50f708503b51b83a), with the newer macro
// resolution of core/OfferUrl.php (commit
// 405dd3d288c495e6691f387b0a27c866dac77b6d) when Build is OrbitraNew.

// debounceWindow is index.php's browser debounce: a click from an IP that
// already clicked the campaign since datetime('now', '-2 seconds') is not
// stored.
const debounceWindow = 2 * time.Second

// handleClick answers every path but api.php and the postback path.
//
//   - A path ending in a static-file extension, or a request whose
//     Sec-Fetch-Dest is image, style, script, font or manifest: 404 with
//     no body and no click.
//   - The campaign is ?campaign=, else the alias of /r/<alias> or /<alias>
//     (a single path segment other than admin, api.php, click.php, …),
//     else ?campaign_id=. None: die("Campaign not specified.") — which is
//     also what a postback to a wrong key gets (200). Unknown:
//     die("Campaign not found.").
//   - X-Purpose: preview or X-Moz: prefetch: die("Prefetch ignored.") and
//     no click (setting ignore_prefetch, default '1').
//   - The click id is a new UUID v4. The client IP is the first public
//     address in Client-Ip, X-Forwarded-For, X-Forwarded,
//     X-Cluster-Client-Ip, Forwarded-For, Forwarded (each split on
//     commas), else REMOTE_ADDR.
//   - keyword, cost, currency, external_id, creative_id, ad_campaign_id,
//     source, subid and sub_id_1..30 are kept in parameters_json; a subid
//     is copied to sub_id_1 when that is absent.
//   - Debounce: if clicks already holds a click from the same IP for the
//     campaign created at or after now-2 s (to the second), the click is
//     not stored, yet the visitor is still redirected, with the fresh id
//     no postback can find.
//   - 302 to the offer URL with its macros filled (Build), or with
//     ?redirect=0 200 JSON {"status":"ok","click_id":…,"url":…}.
//
// Geo lookups are not modelled: country is "Local" for a loopback client
// and "Unknown" otherwise (the real one may ask ip-api.com). Streams are
// one regular redirect stream per campaign; uniqueness, filters, landings
// and actions are not modelled.
func (o *Orbitra) handleClick(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	if staticExt.MatchString(path) {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	switch r.Header.Get("Sec-Fetch-Dest") {
	case "image", "style", "script", "font", "manifest":
		w.WriteHeader(http.StatusNotFound)
		return
	}
	q := r.URL.Query()
	alias := valueOf(q, "campaign")
	directID := valueOf(q, "campaign_id")
	if alias == "" {
		if m := rAlias.FindStringSubmatch(path); m != nil {
			alias = m[1]
		} else if m := rootAlias.FindStringSubmatch(path); m != nil && !slices.Contains(reservedPaths, m[1]) {
			alias = m[1]
		}
	}
	if alias == "" && directID == "" {
		phpDie(w, "Campaign not specified.")
		return
	}

	o.mu.Lock()
	defer o.mu.Unlock()
	ctx := r.Context()
	var campaignID, offerID, streamID int64
	var offerURL string
	find := func(where string, arg any) error {
		return o.db.QueryRowContext(ctx, o.q(`
			SELECT c.id, s.id, o.id, o.url FROM campaigns c
			JOIN streams s ON s.campaign_id = c.id AND s.is_active = 1
			JOIN offers o ON o.id = s.offer_id
			WHERE `+where+` ORDER BY s.position, s.id LIMIT 1`), arg).Scan(&campaignID, &streamID, &offerID, &offerURL)
	}
	err := sql.ErrNoRows
	if alias != "" {
		err = find("c.alias = ?", alias)
	}
	if errors.Is(err, sql.ErrNoRows) && directID != "" && o.directIDComparable(directID) {
		err = find("c.id = ?", directID)
	}
	if errors.Is(err, sql.ErrNoRows) {
		phpDie(w, "Campaign not found.")
		return
	}
	if err != nil {
		http.Error(w, "faketracker: Orbitra click: "+err.Error(), http.StatusInternalServerError)
		return
	}

	ip := orbitraClientIP(r)
	clickID, err := uuidV4(o.opts.Rand)
	if err != nil {
		http.Error(w, "faketracker: Orbitra click: "+err.Error(), http.StatusInternalServerError)
		return
	}
	params := clickParams(q)
	if r.Header.Get("X-Purpose") == "preview" || r.Header.Get("X-Moz") == "prefetch" {
		phpDie(w, "Prefetch ignored.")
		return
	}

	now := o.opts.Now()
	var seen string
	err = o.db.QueryRowContext(ctx, o.q(`SELECT id FROM clicks WHERE ip = ? AND campaign_id = ? AND created_at >= ? LIMIT 1`),
		ip, campaignID, sqliteTime(now.Add(-debounceWindow))).Scan(&seen)
	debounced := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		http.Error(w, "faketracker: Orbitra debounce: "+err.Error(), http.StatusInternalServerError)
		return
	}
	country := geoCountry(ip)
	if !debounced {
		ua := r.UserAgent()
		acceptLang := strings.TrimSpace(r.Header.Get("Accept-Language"))
		_, err = o.db.ExecContext(ctx, o.q(`
			INSERT INTO clicks (id, campaign_id, offer_id, stream_id, source_id, landing_id, ip, user_agent, referer,
			    country, country_code, region, city, latitude, longitude, zipcode, timezone,
			    device_type, os, browser, language, accept_language_raw, parameters_json, created_at)
			VALUES (?, ?, ?, ?, NULL, NULL, ?, ?, ?, ?, ?, '', '', NULL, NULL, '', '', ?, ?, ?, ?, ?, ?, ?)`),
			clickID, campaignID, offerID, streamID, ip, ua, r.Referer(), country, country,
			deviceType(ua), detectOS(ua), detectBrowser(ua), firstLanguage(acceptLang), acceptLang,
			params.json(), sqliteTime(now))
		if err != nil {
			http.Error(w, "faketracker: Orbitra click insert: "+err.Error(), http.StatusInternalServerError)
			return
		}
	}

	var final string
	if o.opts.Build == OrbitraNew {
		final = resolveOfferURLNew(offerURL, clickID, offerID, params, ip, country)
	} else {
		final = resolveOfferURLOld(offerURL, clickID, offerID, params)
	}
	if valueOf(q, "redirect") == "0" {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		writeJSONOrbitra(w, http.StatusOK, jsonObject{{"status", "ok"}, {"click_id", clickID}, {"url", final}})
		return
	}
	w.Header().Set("Location", final)
	w.WriteHeader(http.StatusFound)
}

var (
	staticExt     = regexp.MustCompile(`(?i)\.(ico|png|jpg|jpeg|gif|css|js|woff|woff2|ttf|svg|map|webmanifest)$`)
	rAlias        = regexp.MustCompile(`^/r/([^/]+)$`)
	rootAlias     = regexp.MustCompile(`^/([^/]+)$`)
	reservedPaths = []string{"admin", "admin.php", "api.php", "click.php", "postback.php", "router.php", "robots.txt", "favicon.ico"}
)

// orbitraClientIP is index.php's getClientIp(): the first address, in
// header order and comma order, that PHP's FILTER_VALIDATE_IP accepts with
// FILTER_FLAG_NO_PRIV_RANGE | FILTER_FLAG_NO_RES_RANGE; else REMOTE_ADDR.
func orbitraClientIP(r *http.Request) string {
	for _, h := range []string{"Client-Ip", "X-Forwarded-For", "X-Forwarded", "X-Cluster-Client-Ip", "Forwarded-For", "Forwarded"} {
		v, ok := serverVar(r, h)
		if !ok {
			continue
		}
		for _, part := range strings.Split(v, ",") {
			if ip, err := netip.ParseAddr(strings.TrimSpace(part)); err == nil && ip.Zone() == "" && publicIP(ip) {
				return ip.String()
			}
		}
	}
	return remoteIP(r)
}

// nonPublic are the ranges PHP's FILTER_FLAG_NO_PRIV_RANGE and
// FILTER_FLAG_NO_RES_RANGE refuse (PHP 8.1's lists).
var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("172.16.0.0/12"), netip.MustParsePrefix("192.168.0.0/16"),
	netip.MustParsePrefix("0.0.0.0/8"), netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("169.254.0.0/16"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("fc00::/7"), netip.MustParsePrefix("::1/128"), netip.MustParsePrefix("::/128"),
	netip.MustParsePrefix("::ffff:0:0/96"), netip.MustParsePrefix("fe80::/10"),
}

func publicIP(ip netip.Addr) bool {
	for _, p := range nonPublic {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

// geoCountry is getGeoData()'s country without its geo databases.
func geoCountry(ip string) string {
	if ip == "127.0.0.1" || ip == "::1" {
		return "Local"
	}
	return "Unknown"
}

// orderedParams are the click's kept parameters in PHP array order.
type orderedParams [][2]string

// clickParams keeps the standard Keitaro parameters, as index.php does.
func clickParams(q map[string][]string) orderedParams {
	keys := []string{"keyword", "cost", "currency", "external_id", "creative_id", "ad_campaign_id", "source", "subid"}
	for i := 1; i <= 30; i++ {
		keys = append(keys, "sub_id_"+strconv.Itoa(i))
	}
	var out orderedParams
	for _, k := range keys {
		if v, ok := param(q, k); ok {
			out = append(out, [2]string{k, v})
		}
	}
	if sub, ok := out.get("subid"); ok {
		if _, has := out.get("sub_id_1"); !has {
			out = append(out, [2]string{"sub_id_1", sub})
		}
	}
	return out
}

func (p orderedParams) get(k string) (string, bool) {
	for _, kv := range p {
		if kv[0] == k {
			return kv[1], true
		}
	}
	return "", false
}

// json is json_encode($clickParams, JSON_UNESCAPED_UNICODE): an object in
// order ("[]" when empty, as PHP encodes an empty array), slashes escaped.
func (p orderedParams) json() string {
	if len(p) == 0 {
		return "[]"
	}
	var b bytes.Buffer
	b.WriteByte('{')
	for i, kv := range p {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(kv[0])
		v, _ := json.Marshal(kv[1])
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return strings.ReplaceAll(b.String(), "/", `\/`)
}

// resolveOfferURLOld fills macros as index.php at a7d89eb9 does.
func resolveOfferURLOld(offerURL, clickID string, offerID int64, params orderedParams) string {
	u := strings.ReplaceAll(offerURL, "{clickid}", clickID)
	for _, kv := range params {
		u = strings.ReplaceAll(u, "{"+kv[0]+"}", urlencode(kv[1]))
	}
	if offerID != 0 {
		u = strings.ReplaceAll(u, "{offer_id}", strconv.FormatInt(offerID, 10))
		u = strings.ReplaceAll(u, "{offer}", urlencode(strings.ReplaceAll(offerURL, "{clickid}", clickID)))
	}
	return withScheme(u)
}

// unresolvedMacro is what orbitraResolveOfferUrlMacros removes last.
var unresolvedMacro = regexp.MustCompile(`\{[a-zA-Z0-9_]+\}`)

// resolveOfferURLNew is orbitraResolveOfferUrlMacros().
func resolveOfferURLNew(offerURL, clickID string, offerID int64, params orderedParams, ip, country string) string {
	u := strings.NewReplacer("{clickid}", clickID, "{subid}", clickID).Replace(offerURL)
	u = strings.ReplaceAll(u, "{ip}", urlencode(ip))
	u = strings.ReplaceAll(u, "{country}", urlencode(country))
	for _, kv := range params {
		u = strings.ReplaceAll(u, "{"+kv[0]+"}", urlencode(kv[1]))
	}
	if offerID != 0 {
		u = strings.ReplaceAll(u, "{offer_id}", strconv.FormatInt(offerID, 10))
	}
	u = unresolvedMacro.ReplaceAllString(u, "")
	if u == "" {
		return u
	}
	return withScheme(u)
}

var (
	hasScheme   = regexp.MustCompile(`(?i)^(https?:)?//`)
	mailOrPhone = regexp.MustCompile(`(?i)^(mailto|tel):`)
)

// withScheme prefixes http:// to a URL with no scheme, no leading slash
// and no mailto:/tel:, "to prevent relative redirects back to the index".
func withScheme(u string) string {
	if hasScheme.MatchString(u) || strings.HasPrefix(u, "/") || mailOrPhone.MatchString(u) {
		return u
	}
	return "http://" + strings.TrimLeft(u, "/")
}

var mobileAgents = regexp.MustCompile(`(?i)(android|bb\d+|meego).+mobile|avantgo|bada\/|blackberry|blazer|compal|elaine|fennec|hiptop|iemobile|ip(hone|od)|iris|kindle|lge |maemo|midp|mmp|mobile.+firefox|netfront|opera m(ob|in)i|palm( os)?|phone|p(ixi|re)\/|plucker|pocket|psp|series(4|6)0|symbian|treo|up\.(browser|link)|vodafone|wap|windows ce|xda|xiino`)

// deviceType is index.php's getDeviceType().
func deviceType(ua string) string {
	if mobileAgents.MatchString(strings.ToLower(ua)) {
		return "Mobile"
	}
	return "Desktop"
}

// detectOS is index.php's detectOs().
func detectOS(ua string) string {
	ua = strings.ToLower(ua)
	switch {
	case strings.Contains(ua, "windows"):
		return "Windows"
	case strings.Contains(ua, "android"):
		return "Android"
	case strings.Contains(ua, "iphone"), strings.Contains(ua, "ipad"), strings.Contains(ua, "ios"):
		return "iOS"
	case strings.Contains(ua, "mac os"), strings.Contains(ua, "macintosh"):
		return "macOS"
	case strings.Contains(ua, "linux"):
		return "Linux"
	}
	return "Unknown"
}

// detectBrowser is index.php's detectBrowser().
func detectBrowser(ua string) string {
	ua = strings.ToLower(ua)
	switch {
	case strings.Contains(ua, "edg/"):
		return "Edge"
	case strings.Contains(ua, "opr/"), strings.Contains(ua, "opera"):
		return "Opera"
	case strings.Contains(ua, "samsungbrowser"):
		return "Samsung Browser"
	case strings.Contains(ua, "chrome/"):
		return "Chrome"
	case strings.Contains(ua, "firefox/"):
		return "Firefox"
	case strings.Contains(ua, "safari/"):
		return "Safari"
	}
	return "Unknown"
}

var langSep = regexp.MustCompile(`[-_]`)

// firstLanguage is the first primary language code of Accept-Language,
// as extractLanguageCodes() reads it, or "Unknown".
func firstLanguage(header string) string {
	for _, part := range strings.Split(header, ",") {
		v := strings.ToLower(strings.TrimSpace(strings.Split(part, ";")[0]))
		primary := strings.Map(func(r rune) rune {
			if 'a' <= r && r <= 'z' {
				return r
			}
			return -1
		}, langSep.Split(v, 2)[0])
		if v != "" && v != "*" && primary != "" {
			return primary
		}
	}
	return "Unknown"
}
