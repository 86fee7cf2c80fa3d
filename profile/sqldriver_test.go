package profile

import _ "github.com/cbsim/cbsim/profile/sqldriver" // the SQL readers under test
