// Package gap solves the Generalized Assignment Problem (GAP): give each of
// n jobs to one of m agents, each job putting a load on its agent that
// depends on both, so that no agent exceeds its capacity and the total cost
// is least (or the total profit greatest).
//
// In Alongside the jobs are unmatched cases, the agents parent partners,
// the loads caseload units and the profits match scores; the matcher
// builds a [Problem] and reads back a [Solution]. This package knows
// nothing of cases or partners: it works on plain arrays and imports only
// the standard library.
//
// # Model
//
// A [Problem] has agent-major matrices Cost[i][j] and Weight[i][j] and a
// vector Capacity[i]:
//
//	opt   sum_ij Cost[i][j] x_ij  (+ sum_j Penalty[j] u_j for Minimize, - for Maximize)
//	s.t.  sum_i x_ij + u_j = 1                 for every job j
//	      sum_j Weight[i][j] x_ij <= Capacity[i] for every agent i
//	      x_ij, u_j in {0, 1};  u_j = 0 unless Penalty[j] is finite
//
// with opt = min for [Minimize] (the zero value) and max for [Maximize].
// Units are the caller's: Cost and Penalty share one unit (the objective),
// Weight and Capacity another (load). Values are float64; integer data (as
// in the public benchmarks) is handled exactly as long as sums stay below
// 2^53, and then bounds are rounded up to integers, which makes optimality
// proofs exact.
//
// Hard rules are expressed as Weight[i][j] = +Inf (pair forbidden). With a
// nil Penalty every job must be assigned, as in the classical GAP; a
// finite Penalty[j] lets job j stay unassigned at that price, which is how
// a rebalance tolerates cases no partner can take. Internally an
// unassigned job sits on a dummy agent of unlimited capacity.
//
// # Results
//
// [Solve] returns the best assignment found, its value, and Bound, a
// proven bound on the optimum (a lower bound when minimising, an upper
// bound when maximising). Gap = |Value - Bound| / max(1, |Value|) says how
// far from optimal the answer can be; [Optimal] means the bound meets the
// value. Hitting the time limit is a [Status] ([TimeLimit]), not an error.
// Runs are deterministic for a given [Options.Seed] unless a time limit or
// the context cuts them short.
//
// # Algorithms
//
// Solve always computes constructive solutions — the regret greedy of
// Martello & Toth (1981, "MTHG") with several desirability measures,
// including costs priced by the LP duals — and the LP bound, through
// subgradient optimisation of the Lagrangian relaxation of the capacity
// constraints (Ross & Soland 1975), whose multipliers price capacity for
// everything that follows.
//
// Small problems (up to about 100 jobs, or 2 500 agent-job pairs) are then
// solved exactly by depth-first branch and bound in the manner of Ross &
// Soland (1975) and Fisher, Jaikumar & Van Wassenhove (1986): the bound
// comes from the Lagrangian relaxation of the assignment constraints, one
// 0-1 knapsack per agent (solved by dynamic programming for integer
// weights, otherwise by branch and bound), maximised by subgradient steps
// warm-started from the parent node; branching fixes a job the relaxation
// assigns zero or several times to each agent that can still take it.
// Every node rounds its relaxed solution into a feasible one when it can.
// A short local search runs first so the tree starts with a good
// incumbent, and again afterwards if the tree could not be completed in
// time.
//
// Larger problems go to a local search in the spirit of the tabu search
// with ejection chains of Yagiura, Ibaraki & Glover (2004, 2006). It moves
// through complete assignments that may overload agents, minimising cost
// plus a weighted overload penalty whose per-agent weights adapt (grow
// while an agent is overloaded, shrink while the solution is feasible), so
// that the search oscillates around the boundary of the feasible region.
// Its neighbourhoods are shift (move a job), swap (exchange two jobs),
// double shift and longer ejection chains (a job moves into an agent, one
// of that agent's jobs moves on, and so on), each restricted to the agents
// with the smallest LP reduced costs for the job; a work queue re-examines
// only jobs whose neighbourhood changed. At local optima the least-bad
// non-tabu move is made. When the search stalls it restarts from the
// completed knapsack packings of a Lagrangian heuristic on the assignment
// relaxation (Haddadi & Ouzia 2004), which fill the agents' capacities
// closely and differ from one subgradient step to the next.
//
// # Invariants
//
//   - A Solution's Assign, when non-nil, satisfies every constraint of the
//     problem (within a relative capacity tolerance of 1e-9) and Value is
//     its objective, as [Problem.Evaluate] computes it.
//   - Bound never cuts off the optimum; Status is [Optimal] only when the
//     bound proves it, and [Infeasible] only when the search proved that no
//     assignment exists.
//   - Solve never modifies its Problem and keeps no reference to it; the
//     inner loops allocate nothing.
//
// # References
//
//   - G.T. Ross, R.M. Soland, A branch and bound algorithm for the
//     generalized assignment problem, Mathematical Programming 8 (1975)
//     91–103, doi:10.1007/BF01580430.
//   - S. Martello, P. Toth, An algorithm for the generalized assignment
//     problem, in: Operational Research '81, North-Holland (1981) 589–603.
//   - M.L. Fisher, R. Jaikumar, L.N. Van Wassenhove, A multiplier
//     adjustment method for the generalized assignment problem, Management
//     Science 32 (1986) 1095–1103, doi:10.1287/mnsc.32.9.1095.
//   - S. Martello, P. Toth, Knapsack Problems: Algorithms and Computer
//     Implementations, Wiley (1990).
//   - S. Haddadi, H. Ouzia, Effective algorithm and heuristic for the
//     generalized assignment problem, European Journal of Operational
//     Research 153 (2004) 184–190, doi:10.1016/S0377-2217(02)00710-2.
//   - M. Yagiura, T. Ibaraki, F. Glover, An ejection chain approach for the
//     generalized assignment problem, INFORMS Journal on Computing 16
//     (2004) 133–151, doi:10.1287/ijoc.1030.0036.
//   - M. Yagiura, T. Ibaraki, F. Glover, A path relinking approach with
//     ejection chains for the generalized assignment problem, European
//     Journal of Operational Research 169 (2006) 548–569,
//     doi:10.1016/j.ejor.2004.08.015.
//   - M. Posta, J.A. Ferland, P. Michelon, An exact method with variable
//     fixing for solving the generalized assignment problem, Computational
//     Optimization and Applications 52 (2012) 629–644,
//     doi:10.1007/s10589-011-9432-0.
package gap
