package profile

import (
	"errors"
	"fmt"
	"maps"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Roles a click is made for: the affiliate's campaign (the offer URL
// carries the click id in tid) or the vendor's (vtid).
const (
	RoleAffiliate = "affiliate"
	RoleVendor    = "vendor"
)

// roles lists the roles in the order errors name them.
func roles() []string { return []string{RoleAffiliate, RoleVendor} }

// Logical fields: the names the harness speaks of, whatever a tracker
// calls them on the wire. RedTrack's spelling of each (Canonical) is what
// the harness's postback templates use.
const (
	FieldClickID       = "click_id"       // RedTrack: clickid
	FieldSum           = "sum"            // RedTrack: sum
	FieldType          = "type"           // RedTrack: type
	FieldStatus        = "status"         // RedTrack: status
	FieldCurrency      = "currency"       // RedTrack: currency
	FieldEventID       = "event_id"       // RedTrack: rdtk_event_id
	FieldTransactionID = "transaction_id" // RedTrack has none; spelled txid
	FieldToken         = "token"          // RedTrack: ptoken, the postback protection token
)

// Read-only logical fields: what a reader may map besides the postback's.
const (
	FieldOrder           = "order"            // the order id the tracker kept
	FieldDuplicateStatus = "duplicate_status" // new / repeated mark
	FieldTime            = "time"             // when the tracker recorded it, as the tracker prints it
)

// Canonical returns the RedTrack spelling of every postback field, wire
// name → logical name: what Rename and RenameQuery translate from.
func Canonical() map[string]string {
	return map[string]string{
		"clickid": FieldClickID, "sum": FieldSum, "type": FieldType, "status": FieldStatus, "currency": FieldCurrency,
		"rdtk_event_id": FieldEventID, "txid": FieldTransactionID, "ptoken": FieldToken,
	}
}

// postbackFields lists the logical fields a postback may carry.
func postbackFields() []string {
	return []string{FieldClickID, FieldSum, FieldType, FieldStatus, FieldCurrency, FieldEventID, FieldTransactionID, FieldToken}
}

// readFields lists the logical fields a reader may map.
func readFields() []string {
	return []string{FieldClickID, FieldSum, FieldType, FieldStatus, FieldCurrency, FieldEventID, FieldTransactionID,
		FieldOrder, FieldDuplicateStatus, FieldTime}
}

// Profile is one tracker's description, as parsed from its file: how to
// make a click, where postbacks go and under which names, how to read what
// the tracker recorded, and what it can do. It is immutable; Bind turns it
// into a Tracker with the user's settings.
type Profile struct {
	Name     string   // short name, e.g. "prosper202" (--profile NAME)
	Title    string   // one line for people
	Verified bool     // true only when checked against a real deployment
	Doc      string   // free text: setup notes
	Sources  []string // where each fact came from (repo@commit path, or a documentation URL)
	File     string   // where the profile was read from ("bundled/NAME.yaml" for a bundled one)

	settings  map[string]*Setting
	click     clickSpec
	campaigns *campaignSpec // nil: campaigns must be given
	visitors  visitorSpec
	postback  postbackSpec
	ins       *insSpec // nil: the tracker takes no INS notifications
	read      readSpec
	features  Features
}

// Setting is a named value a profile's templates use, given by the user:
// --set NAME=VALUE (api_key also with --api-key).
type Setting struct {
	Name       string
	Doc        string
	Secret     bool   // never printed: errors and Check details show *** instead
	Default    string // used when the user gives none, if HasDefault
	HasDefault bool
}

// Settings returns the profile's settings sorted by name.
func (p *Profile) Settings() []Setting {
	out := make([]Setting, 0, len(p.settings))
	for _, n := range slices.Sorted(maps.Keys(p.settings)) {
		out = append(out, *p.settings[n])
	}
	return out
}

// Features returns what the tracker can do, as the profile says.
func (p *Profile) Features() Features { return p.features }

// PostbackFields returns the profile's postback names, logical → wire;
// a logical field the tracker does not take is absent.
func (p *Profile) PostbackFields() map[string]string { return maps.Clone(p.postback.fields) }

// OfferURLMacro returns what the user puts in the offer URL for the
// tracker to fill with the click id (click.offer_url_macro).
func (p *Profile) OfferURLMacro() string { return p.click.offerMacro }

// clickSpec is the click: section.
type clickSpec struct {
	url        *template
	idFrom     string            // location | json
	param      map[string]string // role → parameter of the Location carrying the click id
	clickbank  map[string]string // role → ClickBank link parameter carrying the click id (tid, vtid, extclid …)
	jsonID     string            // path of the click id in a JSON reply
	jsonLand   string            // path of the landing URL in a JSON reply ("" = none)
	offerMacro string
	notKept    string
}

// Ways a click yields its click id (click.id_from).
const (
	IDFromLocation = "location"
	IDFromJSON     = "json"
)

// campaignSpec is the campaigns: section: how to find or create a
// campaign per role when the user gives none.
type campaignSpec struct {
	title      *template
	findURL    *template // nil: no find
	findList   string
	findTitle  string
	findID     string
	createURL  *template // nil: no create
	createBody *template
	createID   string
}

// visitorSpec is the visitors: section.
type visitorSpec struct {
	ipHeader   string // "" = send no address
	ranges     []netip.Prefix
	userAgents []string // nil = send Go's default
}

// postbackSpec is the postback: section.
type postbackSpec struct {
	url     *template
	fields  map[string]string    // logical → wire
	extra   map[string]*template // wire → value
	refused refusedSpec
}

// insSpec is the ins: section: where ClickBank's Instant Notifications go
// and which setting holds the secret key they are sealed with.
type insSpec struct {
	url    *template
	secret string // the setting's name
}

// refusedSpec says how a tracker refuses a postback.
type refusedSpec struct {
	status []int    // nil = any status of 400 or more
	body   []string // substrings of a refusal's body (which may come with 200)
}

// readSpec is the read: section.
type readSpec struct {
	prefer      string // http | sql
	conversions *readerSpec
	clicks      *readerSpec
}

// readerSpec is one reader: an HTTP one, a SQL one, or both.
type readerSpec struct {
	http *httpSpec
	sql  *sqlSpec
}

// rowSpec is how rows map onto logical fields, shared by both readers.
type rowSpec struct {
	fields     map[string]string            // logical → path or column
	values     map[string]map[string]string // logical → raw value → value
	params     map[string]string            // param name → path or column
	paramsFrom string                       // path of an object whose entries are params
	money      string
	rounding   string
}

// httpSpec is an HTTP reader.
type httpSpec struct {
	url       *template
	method    string
	body      *template
	authHdr   string
	authQuery string
	authValue *template
	query     map[string]*template
	paging    pagingSpec
	list      string
	total     string
	rows      rowSpec
}

// Paging styles of an HTTP reader (read.*.http.paging.style).
const (
	PagingNone   = "none"
	PagingPage   = "page"
	PagingOffset = "offset"
)

// Paging bounds.
const (
	DefaultMaxPages = 100    // pages read before giving up, unless paging.max_pages says
	HardMaxPages    = 10_000 // the most paging.max_pages may say
	DefaultPageSize = 100
)

// pagingSpec is an HTTP reader's paging.
type pagingSpec struct {
	style     string
	pageParam string
	offParam  string
	sizeParam string
	size      int
	first     int
	maxPages  int
}

// sqlSpec is a SQL reader.
type sqlSpec struct {
	driver string // sqlite | mysql | postgres
	dsn    *template
	query  string
	rows   rowSpec
}

// SQL drivers a profile may name, and the database/sql driver each
// stands for (registered by importing package profile/sqldriver).
func sqlDrivers() map[string]string {
	return map[string]string{"sqlite": "sqlite", "mysql": "mysql", "postgres": "pgx"}
}

// Load returns the bundled profile called name, or parses the file at name
// when it has a path separator or ends in .yaml, .yml or .json.
func Load(name string) (*Profile, error) {
	ext := strings.ToLower(filepath.Ext(name))
	if !strings.ContainsAny(name, `/\`) && ext != ".yaml" && ext != ".yml" && ext != ".json" {
		for _, p := range Bundled() {
			if p.Name == name {
				return p, nil
			}
		}
		var names []string
		for _, p := range Bundled() {
			names = append(names, p.Name)
		}
		return nil, fmt.Errorf("no bundled profile %q; bundled: %s (or give a file: name.yaml)", name, strings.Join(names, ", "))
	}
	data, err := os.ReadFile(name)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("profile file %s does not exist", name)
		}
		return nil, fmt.Errorf("read profile: %w", err)
	}
	return Parse(name, data)
}
