package faketracker

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// Prosper202's click redirect, tracking202/redirect/dl.php (commit
// 0286f4def4be219adefed3dae629f96e801f77e2) with the token replacement of
// 202-config/functions-tracking202.php (PHP 8 version, index id
// 32517642889; the index showed no commit).

// lastIPWindow is how long a (user, ip) pair stays in 202_last_ips: a cron
// job deletes rows older than 24 hours (the window its comments give; the
// cron file's path was not seen). The fake expires them by its clock.
const lastIPWindow = 24 * 60 * 60

// handleClick records a click and redirects to the campaign's offer URL.
//
//   - t202id that is not is_numeric, or names no tracker: die(), that is
//     200 with an empty body, and nothing recorded (dl.php lines 5-6 and
//     "if (!$tracker_row) { die(); }").
//   - the subid is the next value of 202_clicks_counter, numeric and
//     auto-increment.
//   - the click's IP is the X-Forwarded-For header exactly as sent (not
//     split on commas), else REMOTE_ADDR.
//   - click_payout is the campaign's aff_campaign_payout; click_time now.
//   - a click whose (user, IP) pair is already in 202_last_ips is recorded
//     with click_filtered=1 and still redirected (FILTER::startFilter's
//     checkLastIps); the fake does not model the other two filters (the
//     user's own login IP and the hardcoded search-engine net ranges) nor
//     bot devices.
//   - 302 to the offer URL with its [[tokens]] replaced (replaceTokens).
//
// Cookies (tracking202subid…), cloaking, rotation, pre-pop variables and
// the memcache fallback of a database outage are not modelled.
func (p *Prosper202) handleClick(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	t202id, _ := param(q, "t202id")
	if !isNumeric(t202id) {
		phpDie(w, "")
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	camp, ok := p.campaignByTracker(t202id)
	if !ok {
		phpDie(w, "")
		return
	}
	ip, ok := serverVar(r, "X-Forwarded-For")
	if !ok {
		ip = remoteIP(r)
	}
	now := p.opts.Now().Unix()
	filtered := 0
	if seen, ok := p.lastIPs[ip]; ok && now-seen < lastIPWindow {
		filtered = 1
	}
	id := p.nextClickID
	pre, err := randIntn(p.opts.Rand, 9)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	post, err := randIntn(p.opts.Rand, 9)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	random, err := randIntn(p.opts.Rand, 9000000)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	// click_id_public = rand(1,9) . click_id . rand(1,9)
	publicID, _ := strconv.ParseInt(strconv.FormatInt(pre+1, 10)+strconv.FormatInt(id, 10)+strconv.FormatInt(post+1, 10), 10, 64)
	c := &p202Click{
		id: id, userID: user202, campaignID: camp.campaignID, payout: camp.payout,
		filtered: filtered, time: now, publicID: publicID, ip: ip,
	}
	if p.store != nil {
		if err := p.store.insertClick(r.Context(), c); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
	}
	p.nextClickID++
	if filtered == 0 {
		p.lastIPs[ip] = now // 202_last_ips: the 24 h window starts at the click not filtered
	}
	p.clicks = append(p.clicks, c)
	p.byClickID[id] = c

	tokens := map[string]string{
		"subid":        strconv.FormatInt(id, 10),
		"t202kw":       strings.ReplaceAll(valueOf(q, "t202kw"), "%20", " "),
		"c1":           lowerParam(r.URL.RawQuery, "c1"),
		"c2":           lowerParam(r.URL.RawQuery, "c2"),
		"c3":           lowerParam(r.URL.RawQuery, "c3"),
		"c4":           lowerParam(r.URL.RawQuery, "c4"),
		"gclid":        valueOf(q, "gclid"),
		"msclkid":      valueOf(q, "msclkid"),
		"fbclid":       valueOf(q, "fbclid"),
		"utm_source":   valueOf(q, "utm_source"),
		"utm_medium":   valueOf(q, "utm_medium"),
		"utm_campaign": valueOf(q, "utm_campaign"),
		"utm_term":     valueOf(q, "utm_term"),
		"utm_content":  valueOf(q, "utm_content"),
		"cpc":          "0",       // round(click_cpc, 2) of the fake's 0 cpc, as PHP prints it
		"cpc2":         "0.00000", // click_cpc as the DECIMAL column returns it
		"cpa":          "0",
		"timestamp":    strconv.FormatInt(now, 10),
		"payout":       camp.payout.String(), // "25.00000"
		"random":       strconv.FormatInt(1000000+random, 10),
		"referer":      r.Referer(),
	}
	w.Header().Set("Location", replaceTokens202(camp.offerURL, tokens))
	w.WriteHeader(http.StatusFound)
}

// tokens202 are the [[tokens]] replaceTokens() knows. Known tokens are
// matched case-insensitively and, when the click has no value for them
// (t202pubid, the geo tokens and sourceid in the fake), replaced by
// nothing (replaceTrackerPlaceholders calls replaceTokens($url, $tokens, 1),
// "fill all unset tokens with blanks"). A [[name]] not in this list is
// left in the URL as it is.
var tokens202 = regexp.MustCompile(`(?i)\[\[(subid|t202kw|t202pubid|c1|c2|c3|c4|gclid|msclkid|fbclid|utm_source|utm_medium|utm_campaign|utm_term|utm_content|country|country_code|region|city|cpc|cpc2|cpa|timestamp|payout|random|referer|sourceid)\]\]`)

// replaceTokens202 fills the known tokens of u, each value rawurlencoded
// (replaceTokens maps rawurlencode over them).
func replaceTokens202(u string, values map[string]string) string {
	return tokens202.ReplaceAllStringFunc(u, func(tok string) string {
		name := strings.ToLower(tok[2 : len(tok)-2])
		return rawurlencode(values[name])
	})
}

// valueOf is $_GET[key] ?? ”.
func valueOf(q url.Values, key string) string {
	v, _ := param(q, key)
	return v
}

// lowerParam reads a c1..c4 value as dl.php does, from
// array_change_key_case($_GET, CASE_LOWER): the key is matched whatever
// its case, the last matching pair wins, and a literal "%20" in the value
// becomes a space.
func lowerParam(rawQuery, name string) string {
	var v string
	for _, pair := range strings.Split(rawQuery, "&") {
		k, val, _ := strings.Cut(pair, "=")
		dk, err := url.QueryUnescape(k)
		if err != nil || strings.ToLower(dk) != name {
			continue
		}
		if dv, err := url.QueryUnescape(val); err == nil {
			v = dv
		}
	}
	return strings.ReplaceAll(v, "%20", " ")
}
