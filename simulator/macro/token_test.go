package macro

import (
	"slices"
	"testing"
)

func TestTokens(t *testing.T) {
	tests := []struct {
		template string
		want     []Token
	}{
		{"", nil},
		{"no tokens {} {Tid} {tid", nil},
		{"?c={tid}&s={affiliate_earnings}", []Token{{"tid", 3, 7}, {"affiliate_earnings", 11, 30}}},
		{"{{tid}}", []Token{{"tid", 1, 5}}},
		{"{unknown_1}{x}", []Token{{"unknown_1", 0, 10}, {"x", 11, 13}}},
		{"é{tid}", []Token{{"tid", 2, 6}}},
	}
	for _, tt := range tests {
		got := Tokens(tt.template)
		if !slices.Equal(got, tt.want) {
			t.Errorf("Tokens(%q) = %v; want %v", tt.template, got, tt.want)
		}
		for _, tok := range got {
			if s := tt.template[tok.Start : tok.End+1]; s != "{"+tok.Name+"}" {
				t.Errorf("Tokens(%q): %+v covers %q", tt.template, tok, s)
			}
		}
	}
}
