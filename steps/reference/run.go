package reference

import "github.com/cbsim/cbsim/steps"

// Run runs the feature suite o with steps.Run. When o.Factory is nil, every
// scenario gets an in-process reference tracker of its own (Factory) and,
// since those can be configured and restarted, o.Reference and o.CanRestart
// are set: the @reference and @restart scenarios run too. A Factory given
// in o is used as it is, with o's Reference and CanRestart.
func Run(o steps.SuiteOptions) int {
	if o.Factory == nil {
		o.Factory = Factory{}
		o.Reference, o.CanRestart = true, true
	}
	return steps.Run(o)
}
