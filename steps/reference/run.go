package reference

import "github.com/cbsim/cbsim/steps"

// Run runs the feature suite o with steps.Run. When o.Factory is nil, every
// scenario gets an in-process reference tracker of its own (Factory); since
// those can be configured and restarted, the @reference and @restart
// scenarios run too. A Factory given in o is used as it is.
func Run(o steps.SuiteOptions) int {
	if o.Factory == nil {
		o.Factory = Factory{}
	}
	return steps.Run(o)
}
