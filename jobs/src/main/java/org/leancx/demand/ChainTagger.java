package org.leancx.demand;

import java.io.Serializable;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.leancx.ingest.CustomerClustering;

/**
 * The recontact, transfer, chain, first-contact-resolution and demand-class rules of {@link Recontacts#tag}, applied in
 * one pass over a partition sorted by customer, need, start and contact id: each run of rows with the same customer
 * and need (a customer's contacts about one need, typically a handful) is buffered, tagged forwards (the predecessor,
 * the chain anchor) and backwards (the next contact that is not a transfer), and emitted in the contact_demand
 * contract's columns.
 *
 * <p>Context rows (already tagged rows of an incremental run's look-back) keep their recontact, chain and class
 * columns; their fcr_status is recomputed. The semantics are those of docs/FAILURE_DEMAND.md; the DuckDB peer of the
 * benchmark (bench/) implements every one of these rules independently in SQL, and its output is compared with this
 * one column by column (DuckDbRecontactsTest) and by a fingerprint at every benchmark size.
 */
final class ChainTagger implements MapPartitionsFunction<Row, Row>, Serializable {
  private static final long serialVersionUID = 1L;

  private final int[] outFromIn;
  private final int outWidth;
  private final int contactId;
  private final int customerKey;
  private final int needKey;
  private final int channel;
  private final int direction;
  private final int startedAt;
  private final int endedAt;
  private final int reason;
  private final int outcome;
  private final int automationFlow;
  private final int context;
  private final int taxonomyClass;
  private final int taxonomySubtype;
  // Input positions of the context rows' kept columns (the others are copied by outFromIn).
  private final int isRecontactIn;
  private final int isTransferIn;
  private final int chainIdIn;
  private final int chainPositionIn;
  // Output positions of the computed columns.
  private final int isRecontactOut;
  private final int isTransferOut;
  private final int priorOut;
  private final int gapOut;
  private final int chainIdOut;
  private final int chainPositionOut;
  private final int fcrOut;
  private final int demandClassOut;
  private final int subtypeOut;
  private final int decidedByOut;
  private final int costOut;

  private final HashMap<String, Long> windowByNeed;
  private final HashMap<String, Long> windowByChannel;
  private final long window;
  private final long maxChannelWindow;
  private final long transferGap;
  private final HashSet<String> transferOutcomes;
  private final boolean outboundCanRecontact;
  private final boolean automationInduced;
  private final long asOfSeconds;
  private final HashMap<String, Double> channelCost;
  private final double defaultChannelCost;
  private final boolean clustered;

  ChainTagger(
      StructType in,
      StructType out,
      RecontactRules rules,
      Timestamp asOf,
      Map<String, Double> channelCost,
      double defaultChannelCost,
      boolean clustered) {
    this.clustered = clustered;
    outWidth = out.fields().length;
    outFromIn = new int[outWidth];
    for (int i = 0; i < outWidth; i++) {
      outFromIn[i] = in.fieldIndex(out.fields()[i].name());
    }
    contactId = in.fieldIndex(Recontacts.CONTACT_ID);
    customerKey = in.fieldIndex(Recontacts.CUSTOMER_KEY);
    needKey = in.fieldIndex(Recontacts.NEED_KEY);
    channel = in.fieldIndex(Recontacts.CHANNEL);
    direction = in.fieldIndex(Recontacts.DIRECTION);
    startedAt = in.fieldIndex(Recontacts.STARTED_AT);
    endedAt = in.fieldIndex(Recontacts.ENDED_AT);
    reason = in.fieldIndex(Recontacts.REASON);
    outcome = in.fieldIndex(Recontacts.OUTCOME);
    automationFlow = in.fieldIndex(Recontacts.AUTOMATION_FLOW);
    context = in.fieldIndex(Recontacts.CONTEXT);
    taxonomyClass = in.fieldIndex(Recontacts.TAXONOMY_CLASS);
    taxonomySubtype = in.fieldIndex(Recontacts.TAXONOMY_SUBTYPE);
    isRecontactIn = in.fieldIndex(Recontacts.IS_RECONTACT);
    isTransferIn = in.fieldIndex(Recontacts.IS_TRANSFER);
    chainIdIn = in.fieldIndex(Recontacts.CHAIN_ID);
    chainPositionIn = in.fieldIndex(Recontacts.CHAIN_POSITION);
    isRecontactOut = out.fieldIndex(Recontacts.IS_RECONTACT);
    isTransferOut = out.fieldIndex(Recontacts.IS_TRANSFER);
    priorOut = out.fieldIndex(Recontacts.PRIOR_CONTACT_ID);
    gapOut = out.fieldIndex(Recontacts.GAP_SECONDS);
    chainIdOut = out.fieldIndex(Recontacts.CHAIN_ID);
    chainPositionOut = out.fieldIndex(Recontacts.CHAIN_POSITION);
    fcrOut = out.fieldIndex(Recontacts.FCR_STATUS);
    demandClassOut = out.fieldIndex(Recontacts.DEMAND_CLASS);
    subtypeOut = out.fieldIndex(Recontacts.FAILURE_SUBTYPE);
    decidedByOut = out.fieldIndex(Recontacts.DECIDED_BY);
    costOut = out.fieldIndex(Recontacts.COST);

    windowByNeed = seconds(rules.windowByNeed());
    windowByChannel = seconds(rules.windowByChannel());
    window = rules.window().getSeconds();
    maxChannelWindow = rules.maxChannelWindow().getSeconds();
    transferGap = rules.transferGap().getSeconds();
    transferOutcomes = new HashSet<>(rules.transferOutcomes());
    outboundCanRecontact = rules.outbound() == RecontactRules.Outbound.CAN_RECONTACT;
    automationInduced = rules.automation() == RecontactRules.Automation.AUTOMATION_INDUCED;
    asOfSeconds = Math.floorDiv(asOf.getTime(), 1000L);
    this.channelCost = new HashMap<>(channelCost);
    this.defaultChannelCost = defaultChannelCost;
  }

  /** The schema with every field nullable: the encoder's; the table contract checks NOT NULL on write. */
  static StructType nullable(StructType schema) {
    StructField[] fields = schema.fields().clone();
    for (int i = 0; i < fields.length; i++) {
      fields[i] = new StructField(fields[i].name(), fields[i].dataType(), true, fields[i].metadata());
    }
    return new StructType(fields);
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    return clustered ? new ByCustomer(rows) : bySortedNeed(rows);
  }

  /** Over a partition sorted by customer, need, start and contact id: one run of rows per customer and need. */
  private Iterator<Row> bySortedNeed(Iterator<Row> sorted) {
    return new Iterator<>() {
      private Row pending = sorted.hasNext() ? sorted.next() : null;
      private final List<Row> group = new ArrayList<>();
      private final List<Object[]> tagged = new ArrayList<>();
      private int next;

      @Override
      public boolean hasNext() {
        return next < tagged.size() || pending != null;
      }

      @Override
      public Row next() {
        if (next == tagged.size()) {
          if (pending == null) {
            throw new NoSuchElementException();
          }
          group.clear();
          group.add(pending);
          pending = null;
          while (sorted.hasNext()) {
            Row r = sorted.next();
            if (sameGroup(group.get(0), r)) {
              group.add(r);
            } else {
              pending = r;
              break;
            }
          }
          tag(group, tagged);
          next = 0;
        }
        return RowFactory.create(tagged.get(next++));
      }
    };
  }

  /**
   * Over a partition in which each customer's rows are contiguous and customers ascend (a file of the contacts
   * table as ingest writes it, {@link CustomerClustering}): buffers one customer at a time, sorts
   * their rows by need, start and contact id in memory (Spark's order: strings by code point, nulls first) and tags
   * each need's run. A customer key lower than the one before means the partition is not clustered; the pass then
   * fails with {@link CustomerClustering#NOT_CLUSTERED} rather than tag a customer in two pieces.
   */
  private final class ByCustomer implements Iterator<Row> {
    private final Iterator<Row> rows;
    private final ArrayList<Row> customer = new ArrayList<>();
    private final List<Object[]> need = new ArrayList<>();
    private final List<Object[]> tagged = new ArrayList<>();
    private Row pending;
    private String previous;
    private int next;

    ByCustomer(Iterator<Row> rows) {
      this.rows = rows;
      pending = rows.hasNext() ? rows.next() : null;
    }

    @Override
    public boolean hasNext() {
      return next < tagged.size() || pending != null;
    }

    @Override
    public Row next() {
      if (next == tagged.size()) {
        if (pending == null) {
          throw new NoSuchElementException();
        }
        fill();
      }
      return RowFactory.create(tagged.get(next++));
    }

    private void fill() {
      String key = pending.getString(customerKey);
      if (previous != null && CustomerClustering.compareCodePoints(key, previous) < 0) {
        throw new IllegalStateException(
            CustomerClustering.NOT_CLUSTERED + ": customer " + key + " follows " + previous);
      }
      customer.clear();
      customer.add(pending);
      pending = null;
      while (rows.hasNext()) {
        Row r = rows.next();
        if (key.equals(r.getString(customerKey))) {
          customer.add(r);
        } else {
          pending = r;
          break;
        }
      }
      previous = key;
      if (customer.size() > 1) {
        customer.sort(this::compareNeedStartId);
      }
      tagged.clear();
      next = 0;
      int from = 0;
      for (int i = 1; i <= customer.size(); i++) {
        if (i == customer.size()
            || !Objects.equals(customer.get(from).get(needKey), customer.get(i).get(needKey))) {
          tag(customer.subList(from, i), need);
          tagged.addAll(need);
          from = i;
        }
      }
    }

    private int compareNeedStartId(Row a, Row b) {
      int c = CustomerClustering.compareCodePoints((String) a.get(needKey), (String) b.get(needKey));
      if (c != 0) {
        return c;
      }
      c = compareTimes(a.get(startedAt), b.get(startedAt));
      return c != 0 ? c : CustomerClustering.compareCodePoints((String) a.get(contactId), (String) b.get(contactId));
    }
  }

  /** Timestamps (java.sql.Timestamp or Instant), nulls first. */
  private static int compareTimes(Object a, Object b) {
    if (a == null || b == null) {
      return a == null ? (b == null ? 0 : -1) : 1;
    }
    if (a instanceof Timestamp x) {
      return x.compareTo((Timestamp) b);
    }
    return ((Instant) a).compareTo((Instant) b);
  }

  private boolean sameGroup(Row a, Row b) {
    return Objects.equals(a.get(customerKey), b.get(customerKey)) && Objects.equals(a.get(needKey), b.get(needKey));
  }

  /** Tags one customer's contacts about one need, in order; replaces the contents of {@code out}. */
  private void tag(List<Row> rows, List<Object[]> out) {
    out.clear();
    int n = rows.size();
    boolean[] transfer = new boolean[n];
    Boolean[] recontact = new Boolean[n];
    String anchorId = null;
    Integer anchorPosition = null;
    int anchorRn = 0;
    for (int i = 0; i < n; i++) {
      Row r = rows.get(i);
      Object[] v = new Object[outWidth];
      for (int c = 0; c < outWidth; c++) {
        v[c] = r.get(outFromIn[c]);
      }
      boolean isContext = r.getBoolean(context);
      long start = seconds(r.get(startedAt));
      Row prev = i == 0 ? null : rows.get(i - 1);
      Long gap = null;
      boolean linkedTransfer = false;
      boolean linkedRecontact = false;
      if (prev != null) {
        gap = start - seconds(prev.get(startedAt));
        Object prevOutcome = prev.get(outcome);
        long prevEnd = seconds(prev.isNullAt(endedAt) ? prev.get(startedAt) : prev.get(endedAt));
        linkedTransfer =
            prevOutcome != null
                && transferOutcomes.contains(((String) prevOutcome).toLowerCase(Locale.ROOT))
                && start <= prevEnd + transferGap;
        boolean canRecontact = outboundCanRecontact || "INBOUND".equals(r.get(direction));
        linkedRecontact = !linkedTransfer && canRecontact && gap <= windowFor(r);
      }
      boolean isTransfer = isContext ? r.getBoolean(isTransferIn) : linkedTransfer;
      Boolean isRecontact = isContext ? (Boolean) r.get(isRecontactIn) : Boolean.valueOf(linkedRecontact);
      boolean linked = isTransfer || Boolean.TRUE.equals(isRecontact);
      transfer[i] = isTransfer;
      recontact[i] = isRecontact;
      v[isTransferOut] = isTransfer;
      v[isRecontactOut] = isRecontact;
      if (!isContext) {
        v[priorOut] = linked ? prev.get(contactId) : null;
        v[gapOut] = linked ? gap : null;
      }
      // A chain restarts at every contact that is not linked to its predecessor; context rows carry their chain.
      int rn = i + 1;
      if (isContext || !linked) {
        Object id = isContext ? r.get(chainIdIn) : r.get(contactId);
        Object position = isContext ? r.get(chainPositionIn) : Integer.valueOf(1);
        anchorId = id == null ? anchorId : (String) id;
        anchorPosition = position == null ? anchorPosition : (Integer) position;
        anchorRn = rn;
      }
      v[chainIdOut] = anchorId;
      v[chainPositionOut] = anchorPosition == null ? null : anchorPosition + rn - anchorRn;

      if (!isContext) {
        Object taxClass = r.get(taxonomyClass);
        boolean taxonomyFailure = Recontacts.FAILURE.equals(taxClass);
        boolean induced = automationInduced && linked && prev.get(automationFlow) != null;
        boolean repeat = Boolean.TRUE.equals(isRecontact);
        if (taxonomyFailure) {
          set(v, Recontacts.FAILURE, r.get(taxonomySubtype), "taxonomy_failure_reason");
        } else if (induced) {
          set(v, Recontacts.FAILURE, Recontacts.AUTOMATION_INDUCED, "automation_induced");
        } else if (repeat) {
          set(v, Recontacts.FAILURE, Recontacts.REPEAT_NOT_RESOLVED, "recontact");
        } else if (Recontacts.VALUE.equals(taxClass)) {
          set(v, Recontacts.VALUE, null, "taxonomy_value_reason");
        } else {
          set(v, Recontacts.UNCLASSIFIED, null, r.isNullAt(reason) ? "no_reason" : "reason_not_in_taxonomy");
        }
        Object ch = r.get(channel);
        Double cost = ch == null ? null : channelCost.get(((String) ch).toLowerCase(Locale.ROOT));
        v[costOut] = cost == null ? defaultChannelCost : cost;
      }
      out.add(v);
    }
    // Backwards: transfers continue the same touch, so the next contact that is not a transfer decides.
    Boolean nextIsRecontact = null;
    for (int i = n - 1; i >= 0; i--) {
      Object[] v = out.get(i);
      Row r = rows.get(i);
      long start = seconds(r.get(startedAt));
      Long need = windowByNeed.get((String) r.get(needKey));
      long censor = need != null ? need : maxChannelWindow;
      if (Boolean.TRUE.equals(nextIsRecontact)) {
        v[fcrOut] = Recontacts.REPEATED;
      } else if (start + censor > asOfSeconds) {
        v[fcrOut] = Recontacts.PENDING;
      } else {
        v[fcrOut] = Recontacts.RESOLVED_FIRST_TIME;
      }
      if (!transfer[i] && recontact[i] != null) {
        nextIsRecontact = recontact[i];
      }
    }
  }

  private void set(Object[] v, String demandClass, Object subtype, String decidedBy) {
    v[demandClassOut] = demandClass;
    v[subtypeOut] = subtype;
    v[decidedByOut] = decidedBy;
  }

  /** The recontact window of a contact: by need, else by channel, else the default. */
  private long windowFor(Row r) {
    Long byNeed = windowByNeed.get((String) r.get(needKey));
    if (byNeed != null) {
      return byNeed;
    }
    Object ch = r.get(channel);
    Long byChannel = ch == null ? null : windowByChannel.get((String) ch);
    return byChannel != null ? byChannel : window;
  }

  /** Whole epoch seconds (floor), as Spark's cast of a timestamp to long. */
  private static long seconds(Object timestamp) {
    if (timestamp instanceof Timestamp t) {
      return Math.floorDiv(t.getTime(), 1000L);
    }
    return ((Instant) timestamp).getEpochSecond();
  }

  private static HashMap<String, Long> seconds(Map<String, Duration> durations) {
    HashMap<String, Long> out = new HashMap<>();
    durations.forEach((k, v) -> out.put(k, v.getSeconds()));
    return out;
  }
}
