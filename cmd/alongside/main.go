// Command alongside runs Alongside, the service that matches parent partners
// to parents in new dependency cases and plans the partners' days.
//
// Usage:
//
//	alongside serve [flags]   serve the Connect API (see alongside serve -h)
//	alongside match [flags]   match cases to partners from JSON files, without a server
//	alongside plan [flags]    plan a day's itineraries from JSON files, without a server
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	_ "time/tzdata" // zone data for America/Phoenix and America/Denver in a bare container
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	switch {
	case err == nil:
	case errors.Is(err, flag.ErrHelp):
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "alongside:", err)
		os.Exit(1)
	}
}
