package privet

import "log/slog"

// LoggerOr returns l, or a logger that discards everything when l is nil:
// a service logs only when it is given a logger.
func LoggerOr(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.New(slog.DiscardHandler)
	}
	return l
}
