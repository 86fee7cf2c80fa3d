package profile

// Which ClickBank link parameter carries the tracker's click id
// (click.clickbank), and so which postback macro brings it back.

// clickBankCarriers returns the ClickBank link parameters that may carry a
// click id for role. An affiliate has the hop link's tid (at most 100
// characters of [a-z0-9_] under the current rule) and the unique click id
// tracking parameters (up to 256 characters of A-Za-z0-9, space, _, - and
// +; docs/clickbank.md §2 and §3), each returned by the postback macro of
// its name; a vendor has only the pay link's vtid (letters, digits, _).
func clickBankCarriers(role string) []string {
	if role == RoleVendor {
		return []string{"vtid"}
	}
	return []string{"tid", "extclid", "fbclid", "gclid", "contact_id",
		"unique_aff_sub1", "unique_aff_sub2", "unique_aff_sub3", "unique_aff_sub4", "unique_aff_sub5"}
}

// ClickBankParam returns the ClickBank link parameter that carries the
// click id of role (click.clickbank): tid and vtid unless the profile
// says, extclid for a tracker whose click ids the TID rule drops. The
// postback macro of the same name brings it back.
func (p *Profile) ClickBankParam(role string) string { return p.click.clickbank[role] }

// ClickParam returns the parameter of the click's redirect that carries the
// click id of role (click.param; click.clickbank unless it says).
func (p *Profile) ClickParam(role string) string { return p.click.param[role] }
