package redtrack

import (
	"encoding/json"
	"fmt"
)

// Track is one row of GET /tracks, RedTrack's clicks log: the fields of
// models.TrackView (swagger.json, definitions/models.TrackView) the harness
// uses. Its ID is the click id.
type Track struct {
	ID         string     `json:"id"`
	Campaign   string     `json:"campaign"`
	CampaignID string     `json:"campaign_id"`
	TrackTime  string     `json:"track_time"`
	Sub        [20]string `json:"-"` // sub1 … sub20

	// CBSim is what cbsim's reference tracker reports beyond
	// models.TrackView, under the key "cbsim"; nil from RedTrack.
	CBSim *TrackCBSim `json:"cbsim,omitempty"`
}

// TrackCBSim is the "cbsim" object of cbsim's reference tracker's clicks.
// It is not RedTrack's.
type TrackCBSim struct {
	// Subs are the click's query parameters other than sub1 … sub20.
	Subs map[string]string `json:"subs"`
}

// UnmarshalJSON decodes a models.TrackView: the named fields by their tags
// and sub1 … sub20 as strings.
func (t *Track) UnmarshalJSON(b []byte) error {
	type trackView Track // models.TrackView without this method
	var p trackView
	if err := json.Unmarshal(b, &p); err != nil {
		return fmt.Errorf("track: %w", err)
	}
	raw, err := rawFields(b)
	if err == nil {
		err = numbered(raw, "sub", p.Sub[:])
	}
	if err != nil {
		return fmt.Errorf("track %s: %w", p.ID, err)
	}
	*t = Track(p)
	return nil
}

// Rejection is one postback or INS notification cbsim's reference tracker
// refused (GET /rejections, not a RedTrack endpoint).
type Rejection struct {
	CreatedAt string `json:"created_at"`
	Path      string `json:"path"`   // the endpoint that refused: /postback, or /ins for an INS notification
	Query     string `json:"query"`  // the raw query of the postback (of an INS notification: its transactionType, receipt, role, attemptCount)
	Param     string `json:"param"`  // the parameter at fault
	Error     string `json:"error"`  // the reason given
	Status    int    `json:"status"` // the HTTP status answered
}
