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
// the context cuts them short. The time limit is wall-clock unless
// [Options.Clock] supplies another measure, such as the process's CPU time
// for benchmarks on a shared machine.
//
// # Algorithms
//
// Solve always starts with constructive solutions — the regret greedy of
// Martello & Toth (1981, "MTHG") with several desirability measures — and
// the LP bound, through subgradient optimisation of the Lagrangian
// relaxation of the capacity constraints (Ross & Soland 1975). Its
// multipliers price capacity for everything that follows: one more greedy
// run on priced costs, the local search's starting point and initial
// penalty weights, and the LP reduced costs that rank each job's agents.
//
// Small problems (up to 100 jobs, or 2 500 agent-job pairs) are solved
// exactly by depth-first branch and bound in the manner of Ross & Soland
// (1975) and Fisher, Jaikumar & Van Wassenhove (1986). The bound is the
// Lagrangian relaxation of the assignment constraints, one 0-1 knapsack
// per agent (dynamic programming for integer weights, else a small branch
// and bound; Martello & Toth 1990), maximised by subgradient steps that
// start from the LP duals at the root and from the parent's multipliers
// below. A node branches on a job its relaxation assigns zero or several
// times, one child per agent that can still take it, best first, and
// rounds its relaxed solution into a feasible one. Pairs whose LP reduced
// cost proves them useless against the incumbent are fixed out (Posta,
// Ferland & Michelon 2012). The local search runs first (until it stalls,
// or 30% of the time limit) so that the tree starts with a good incumbent;
// the tree gets up to 40% of the time limit and hands back to the local
// search if it cannot finish. Without a time limit it stops at 200 000
// nodes.
//
// Larger problems (and small ones whose tree does not finish) use a local
// search in the spirit of the tabu search with ejection chains of Yagiura,
// Ibaraki & Glover (2004, 2006). It starts from the incumbent and moves
// through complete assignments that may overload agents, minimising cost
// plus a weighted overload penalty whose per-agent weights adapt after each
// local optimum — up for overloaded agents, in proportion to their
// overload, and down for all when the solution is feasible — so that the
// search oscillates around the boundary of the feasible region. Each job
// only considers its two or three agents with the smallest LP reduced costs
// (more when they tie). The descent uses shift, swap and double-shift moves
// with first improvement, driven by a work queue that re-examines only the
// jobs whose moves changed (don't-look bits); at its local optima a pass
// over a sample of jobs tries ejection chains of up to ten shifts (a job
// moves into an agent, that agent's cheapest-to-move job moves on, and so
// on while the receiving agent is overloaded), then the least-bad move is
// taken. (Unlike Yagiura et al. it keeps no tabu list: on the benchmark
// instances one made the search worse, the changing weights already prevent
// cycles, and a step limit guards the descent against rounding.) When the
// best solution has not improved for a while the search restarts,
// alternately from the completed knapsack packings of a Lagrangian
// heuristic on the assignment relaxation (Haddadi & Ouzia 2004) — which
// fill the agents closely and change with every subgradient step — and from
// a point between two solutions of an elite pool (path relinking, Yagiura,
// Ibaraki & Glover 2006).
//
// The bound reported is the best of the LP bound, the root bound of the
// exact search, and the incumbent itself when the exact search completes.
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
