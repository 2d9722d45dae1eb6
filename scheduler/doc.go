// Package scheduler is Alongside's vehicle routing engine: it plans routes
// with time windows (VRPTW) on plain jobs, vehicles and a travel matrix,
// with no domain types. The package scheduler/dayplan turns partners'
// appointments into a [Problem] and the [Solution] back into itineraries.
//
// # Model
//
// A [Problem] has locations 0..n-1 with a [Matrix] of travel durations and
// distances between them, [Vehicle]s, and [Job]s.
//
//   - A vehicle runs at most one route from its Start to its End location
//     (either may be [NoLocation], an open route), leaving no earlier than
//     Shift.Start and arriving by Shift.End. It carries up to Capacity units
//     of demand, may bound its working time (span from departure to
//     arrival) and driving time (summed travel), offers Skills, costs
//     FixedCost when used, and takes each of its Breaks, starting inside the
//     break's window, wherever it is.
//   - A job is a service of Service duration at Location, using Demand
//     capacity, that must start inside one of its Windows (none: any time;
//     [t, t]: a fixed start such as a court hearing). Arriving early means
//     waiting; arriving late is never allowed. Skills and Vehicles restrict
//     who may serve it.
//
// # Units
//
// The engine is unit-agnostic: times, durations and travel durations share
// one time unit (Alongside uses seconds; the Solomon benchmark uses its own
// units), distances one distance unit (metres; Euclidean units). Both are
// float64, so exact double-precision Euclidean benchmarks and whole seconds
// are represented without rounding. Travel time and distance may differ.
//
// # Objective
//
// Solutions compare lexicographically: first the served jobs, by priority
// (a job of a higher [Job.Priority] outweighs any number of lower ones);
// then, if [Objective.MinimizeVehicles], the number of used vehicles; then
// the [Measure] ([Distance], [TravelTime] or [WorkingTime]) summed over the
// routes plus the used vehicles' FixedCost. The search minimises one scalar
// with weights large enough to keep that order.
//
// Every job not served is listed in [Solution.Unserved] with a [Reason]: no
// allowed vehicle, over capacity, no window reachable, over working or
// driving time (each judged on an otherwise empty route), displaced by
// higher priorities, or no room beside the equally important work.
//
// # Invariants
//
// Solve never modifies its Problem. Every route it returns satisfies every
// constraint: [Check] verifies that independently of the solver (it replays
// the reported times rather than reusing the solver's evaluation). A run
// is deterministic for a seed when it is bounded by [Options.Iterations]
// alone; a TimeLimit makes the result depend on the machine.
//
// # Algorithm
//
// Construction inserts the jobs greedily. Then each iteration ruins the
// current solution by removing strings of consecutive jobs from routes
// near a random job and recreates it by greedy insertion with blinks,
// jobs ordered by priority and then by a random criterion (random, demand,
// distance from the depot, window width) — SISR, Christiaens & Vanden
// Berghe, "Slack induction by string removals for vehicle routing
// problems", Transportation Science 54(2), 2020. A local search then
// applies first-improvement moves over granular neighbourhoods (each job's
// 40 most correlated jobs, by distance corrected for waiting and window
// clashes): relocate of one or two jobs (or-opt, both orders), swaps 1-1,
// 2-1 and 2-2, 2-opt within a route, 2-opt* between routes, and moves into
// unused vehicles, skipping pairs of routes unchanged since last tested —
// after Vidal, Crainic, Gendreau & Prins, "A hybrid genetic algorithm with
// adaptive diversity management for a large class of vehicle routing
// problems with time-windows", Computers & Operations Research 40(1),
// 2013, and Vidal, "Hybrid genetic search for the CVRP: open-source
// implementation and SWAP* neighborhood", Computers & Operations Research
// 140, 2022. The local search may pass through infeasible solutions: time
// warp, excess working or driving time and excess load are penalised, with
// weights (starting at ten average arcs per unit) adapted every 50 runs to
// the share of feasible local optima, and a local
// optimum that breaks a constraint is repaired under stiffer weights. A
// candidate whose recreate leaves out more jobs than the current solution
// is dropped before the local search (but see the fleet phase below). A
// simulated-annealing criterion with a temperature falling over the budget
// accepts the result if it keeps every constraint.
//
// Time-window feasibility is evaluated in O(1) per move by concatenating
// summaries of route segments (duration, time warp, earliest and latest
// start; Vidal et al. 2013). Jobs with several windows and vehicles with
// breaks fall back to simulating the candidate route, which is exact but
// linear in its length: fine for a partner's day.
//
// With MinimizeVehicles, a fleet minimisation phase comes first. On
// problems of single windows without breaks it removes routes by the
// ejection pool of Nagata & Bräysy, "A powerful route minimization
// heuristic for the vehicle routing problem with time windows",
// Operations Research Letters 37(5), 2009: the jobs of the shortest route
// go into a pool; each in turn goes where it fits or, failing that, where
// ejecting at most five jobs of one route lets it fit, the ejected jobs
// being those whose failure counters (raised each time a job finds no
// place) sum least, found by a depth-first search pruned by time warp;
// random feasible relocations and swaps between routes then perturb the
// solution. Otherwise it empties the route whose jobs were least often
// left out, then ruins and recreates with the fleet capped, accepting
// solutions that leave out fewer jobs or jobs left out less often
// (absence counters, SISR §6). The phase takes at most 80% of the budget
// and ends early when 35% passes without saving a vehicle. The annealing
// that follows keeps the fleet: when the recreate leaves jobs out, the
// ejection pool places them (up to 50 moves) or the candidate is dropped,
// and the penalties become a hundred times stiffer, since a tight fleet
// leaves the penalised local search little to gain from violations.
//
// # Time
//
// [Options.TimeLimit] counts wall-clock time, or whatever [Options.Clock]
// measures (a benchmark passes the process's CPU time). The context is
// checked between iterations and between the local search's sweeps.
package scheduler
