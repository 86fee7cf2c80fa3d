package redtrack

// Campaign is a campaign as RedTrack's models.Campaign (swagger.json,
// definitions/models.Campaign): the fields the harness sends and reads.
// Other fields of a reply are ignored.
type Campaign struct {
	ID    string `json:"id,omitempty"`
	Title string `json:"title"`
	// Status is 1 active, 2 paused, 3 deleted (swagger.json, path
	// /campaigns/status, parameter status).
	Status    int    `json:"status,omitempty"`
	SourceID  string `json:"source_id,omitempty"`
	CreatedAt string `json:"created_at,omitempty"`
	UpdatedAt string `json:"updated_at,omitempty"`

	// CBSim carries what cbsim's reference tracker needs beyond
	// models.Campaign, under the key "cbsim": the offer URL (RedTrack keeps
	// it on an offer that the campaign's streams point to). RedTrack ignores
	// or refuses it; nil sends nothing.
	CBSim *CampaignCBSim `json:"cbsim,omitempty"`
}

// CampaignCBSim is the "cbsim" object of a campaign of cbsim's reference
// tracker. It is not RedTrack's.
type CampaignCBSim struct {
	// OfferURL is where a click on the campaign redirects, {clickid}
	// replaced by the click id.
	OfferURL string `json:"offer_url"`
}

// OfferURL returns CBSim.OfferURL, or "" when there is no CBSim.
func (c Campaign) OfferURL() string {
	if c.CBSim == nil {
		return ""
	}
	return c.CBSim.OfferURL
}
