package org.leancx.capacity;

/**
 * The Erlang C queueing model (M/M/n): probability of waiting, service level, average speed of answer and the agents
 * required for a service-level target, computed with the Erlang B recursion so that it stays exact and stable for
 * thousands of agents (no factorials, no powers).
 *
 * <p>Notation: {@code A} is the traffic intensity in Erlangs (arrival rate × mean handle time), {@code n} the number of
 * agents answering, {@code aht} the mean handle time in seconds and {@code t} the answer-within threshold in seconds.
 *
 * <ul>
 *   <li>Erlang B: {@code B(0) = 1}, {@code B(n) = A·B(n-1) / (n + A·B(n-1))}.
 *   <li>Erlang C (probability that a contact waits): {@code C = n·B / (n − A·(1 − B))}, for {@code n > A}; 1 otherwise.
 *   <li>Service level: {@code P(wait ≤ t) = 1 − C·e^(−(n − A)·t / aht)}.
 *   <li>Average speed of answer: {@code ASA = C·aht / (n − A)}.
 * </ul>
 *
 * Chat and messaging agents serve several contacts at once: with concurrency {@code k}, the effective handle time is
 * {@code aht / k} (see {@link #effectiveHandleSeconds}), which is the usual first-order approximation.
 */
public final class ErlangC {
  /** A generous bound on the agent search beyond {@code A}; never reached for a service-level target below 1. */
  private static final int MAX_EXTRA_AGENTS = 1_000_000;

  private ErlangC() {}

  /**
   * The staffing of one queue in one interval.
   *
   * @param agents agents answering (on the phones, before shrinkage)
   * @param erlangs traffic intensity A
   * @param probabilityOfWait Erlang C: the probability that a contact waits at all
   * @param serviceLevel the share of contacts answered within the threshold
   * @param averageSpeedOfAnswerSeconds mean wait over all contacts, in seconds
   * @param occupancy A / agents: the share of time agents are busy
   */
  public record Staffing(
      int agents,
      double erlangs,
      double probabilityOfWait,
      double serviceLevel,
      double averageSpeedOfAnswerSeconds,
      double occupancy) {}

  /** Traffic intensity in Erlangs: {@code arrivals × handleSeconds / intervalSeconds}. */
  public static double erlangs(double arrivals, double intervalSeconds, double handleSeconds) {
    if (intervalSeconds <= 0) {
      throw new IllegalArgumentException("intervalSeconds must be positive, got " + intervalSeconds);
    }
    return arrivals * handleSeconds / intervalSeconds;
  }

  /** The handle time that one agent's capacity sees when it serves {@code concurrency} contacts at once. */
  public static double effectiveHandleSeconds(double handleSeconds, double concurrency) {
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
    }
    return handleSeconds / concurrency;
  }

  /** Erlang B blocking probability for {@code agents} servers and {@code erlangs} offered traffic, by recursion. */
  public static double erlangB(int agents, double erlangs) {
    requireNonNegative(agents, erlangs);
    double b = 1.0;
    for (int k = 1; k <= agents; k++) {
      b = nextErlangB(b, k, erlangs);
    }
    return b;
  }

  private static double nextErlangB(double previous, int k, double erlangs) {
    double ab = erlangs * previous;
    return ab / (k + ab);
  }

  /** Erlang C: the probability that a contact waits; 1 when the queue is unstable ({@code agents ≤ erlangs}). */
  public static double probabilityOfWait(int agents, double erlangs) {
    return probabilityOfWait(agents, erlangs, erlangB(agents, erlangs));
  }

  private static double probabilityOfWait(int agents, double erlangs, double erlangB) {
    if (erlangs == 0) {
      return 0;
    }
    if (agents <= erlangs) {
      return 1;
    }
    return agents * erlangB / (agents - erlangs * (1 - erlangB));
  }

  /** The staffing that {@code agents} give: probability of wait, service level, ASA and occupancy. */
  public static Staffing staffing(int agents, double erlangs, double handleSeconds, double answerWithinSeconds) {
    return staffing(agents, erlangs, handleSeconds, answerWithinSeconds, erlangB(agents, erlangs));
  }

  private static Staffing staffing(
      int agents, double erlangs, double handleSeconds, double answerWithinSeconds, double erlangB) {
    if (erlangs == 0) {
      return new Staffing(agents, 0, 0, 1, 0, 0);
    }
    if (agents <= erlangs) {
      // Unstable: the queue grows without bound, nobody is answered within any finite time on average.
      return new Staffing(agents, erlangs, 1, 0, Double.POSITIVE_INFINITY, 1);
    }
    double c = probabilityOfWait(agents, erlangs, erlangB);
    double surplus = agents - erlangs;
    double serviceLevel = 1 - c * Math.exp(-surplus * answerWithinSeconds / handleSeconds);
    double asa = c * handleSeconds / surplus;
    return new Staffing(agents, erlangs, c, serviceLevel, asa, erlangs / agents);
  }

  /** The share of contacts answered within {@code answerWithinSeconds} with {@code agents} agents. */
  public static double serviceLevel(int agents, double erlangs, double handleSeconds, double answerWithinSeconds) {
    return staffing(agents, erlangs, handleSeconds, answerWithinSeconds).serviceLevel();
  }

  /** Average speed of answer in seconds; infinite when {@code agents ≤ erlangs}. */
  public static double averageSpeedOfAnswerSeconds(int agents, double erlangs, double handleSeconds) {
    return staffing(agents, erlangs, handleSeconds, 0).averageSpeedOfAnswerSeconds();
  }

  /**
   * The smallest number of agents {@code n > A} whose service level reaches {@code target}, with that staffing; zero
   * agents when there is no traffic. One pass of the Erlang B recursion, so the cost is O(n) even for large queues.
   */
  public static Staffing required(double erlangs, double handleSeconds, double target, double answerWithinSeconds) {
    if (!(target > 0 && target < 1)) {
      throw new IllegalArgumentException(
          "service-level target must be strictly between 0 and 1, got " + target + " (e.g. 0.8 for 80%)");
    }
    if (!(handleSeconds > 0)) {
      throw new IllegalArgumentException("handle time must be positive, got " + handleSeconds + " s");
    }
    if (answerWithinSeconds < 0) {
      throw new IllegalArgumentException("answer-within must not be negative, got " + answerWithinSeconds + " s");
    }
    requireNonNegative(0, erlangs);
    if (erlangs == 0) {
      return new Staffing(0, 0, 0, 1, 0, 0);
    }
    int n = (int) Math.floor(erlangs) + 1;
    int limit = n + MAX_EXTRA_AGENTS;
    double b = erlangB(n, erlangs);
    while (n < limit) {
      Staffing s = staffing(n, erlangs, handleSeconds, answerWithinSeconds, b);
      if (s.serviceLevel() >= target) {
        return s;
      }
      n++;
      b = nextErlangB(b, n, erlangs);
    }
    throw new IllegalStateException("No staffing up to " + n + " agents reaches " + target + " at " + erlangs + " E");
  }

  /** Agents to schedule so that {@code required} are available after shrinkage (breaks, training, absence). */
  public static double scheduled(double required, double shrinkage) {
    if (!(shrinkage >= 0 && shrinkage < 1)) {
      throw new IllegalArgumentException("shrinkage must be in [0, 1), got " + shrinkage + " (e.g. 0.3 for 30%)");
    }
    return required / (1 - shrinkage);
  }

  private static void requireNonNegative(int agents, double erlangs) {
    if (agents < 0 || !(erlangs >= 0) || Double.isInfinite(erlangs)) {
      throw new IllegalArgumentException(
          "agents and erlangs must be finite and not negative, got agents=" + agents + ", erlangs=" + erlangs);
    }
  }
}
