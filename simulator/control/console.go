package control

// consoleRoutes registers the web console's pages on h.mux.
func (h *Handler) consoleRoutes() {}
