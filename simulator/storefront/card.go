package storefront

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// cardDigits returns a card number without the spaces and dashes people
// type in it.
func cardDigits(n string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, n)
}

// checkCard says whether number is the store's test card, or else whether
// it is a card number the order form takes: 12 to 19 digits that pass the
// Luhn check [choice: the simulator takes any such number, charges
// nothing].
func (s *Store) checkCard(number string) (test bool, err error) {
	d := cardDigits(number)
	if d == "" {
		return false, fmt.Errorf("the card number is empty (the test card %s places a test order)", s.testCard)
	}
	if d == cardDigits(s.testCard) {
		return true, nil
	}
	if len(d) < 12 || len(d) > 19 {
		return false, fmt.Errorf("the card number has %d characters, a card number has 12 to 19 digits", len(d))
	}
	sum := 0
	for i := 0; i < len(d); i++ {
		c := d[len(d)-1-i]
		if c < '0' || c > '9' {
			return false, fmt.Errorf("the card number has %q, only digits, spaces and - are allowed", c)
		}
		v := int(c - '0')
		if i%2 == 1 {
			if v *= 2; v > 9 {
				v -= 9
			}
		}
		sum += v
	}
	if sum%10 != 0 {
		return false, fmt.Errorf("the card number fails the Luhn check (the test card %s places a test order)", s.testCard)
	}
	return false, nil
}

// checkExpiry checks an expiry date MM/YY or MM/YYYY: a month that has
// not ended at now, at most 20 years ahead.
func checkExpiry(exp string, now time.Time) error {
	mm, yy, ok := strings.Cut(strings.TrimSpace(exp), "/")
	m, errM := strconv.Atoi(mm)
	y, errY := strconv.Atoi(yy)
	if !ok || errM != nil || errY != nil || len(mm) > 2 || (len(yy) != 2 && len(yy) != 4) || m < 1 || m > 12 || y < 0 {
		return fmt.Errorf("expiry %q must be MM/YY", exp)
	}
	if len(yy) == 2 {
		y += 2000
	}
	end := time.Date(y, time.Month(m)+1, 1, 0, 0, 0, 0, time.UTC)
	if !now.Before(end) {
		return fmt.Errorf("the card expired in %02d/%d (today is %s)", m, y, now.UTC().Format("2006-01-02"))
	}
	if end.After(now.AddDate(20, 1, 0)) {
		return fmt.Errorf("expiry %02d/%d is more than 20 years ahead", m, y)
	}
	return nil
}

// checkCVV checks a card security code: 3 or 4 digits.
func checkCVV(cvv string) error {
	if len(cvv) < 3 || len(cvv) > 4 {
		return fmt.Errorf("the CVV has %d characters, it has 3 or 4 digits", len(cvv))
	}
	for i := 0; i < len(cvv); i++ {
		if cvv[i] < '0' || cvv[i] > '9' {
			return fmt.Errorf("the CVV has %q, only digits are allowed", cvv[i])
		}
	}
	return nil
}

// CheckTestCard checks a test card number for Options.TestCard: 12 to 19
// digits (spaces and dashes allowed between them), as an order form takes
// them. The Luhn check is not asked of it: a vendor's test card need not
// be a real card's number.
func CheckTestCard(number string) error {
	d := cardDigits(number)
	if len(d) < 12 || len(d) > 19 {
		return fmt.Errorf("test card %q: want 12 to 19 digits, got %d characters", number, len(d))
	}
	for _, c := range d {
		if c < '0' || c > '9' {
			return fmt.Errorf("test card %q: %q is not a digit (digits, spaces and - only)", number, c)
		}
	}
	return nil
}
