package org.leancx.demand;

import java.io.Serializable;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.Metadata;
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
 *
 * <p>It is a {@link MapPartitionsFunction} over public {@link Row}s, so the job also runs where only Spark's public
 * API is offered (Spark Connect). Its rows carry timestamps as epoch microseconds and dates as epoch days
 * ({@link Recontacts#tag} converts them before and after the pass with {@code unix_micros} and {@code timestamp_micros}):
 * exact, and no {@code java.sql} object per row. Columns it does not compute are passed through as they are.
 */
final class ChainTagger implements MapPartitionsFunction<Row, Row>, Serializable {
  private static final long serialVersionUID = 1L;
  private static final String INBOUND = "INBOUND";
  private static final String BY_TAXONOMY_FAILURE = "taxonomy_failure_reason";
  private static final String BY_AUTOMATION = "automation_induced";
  private static final String BY_RECONTACT = "recontact";
  private static final String BY_TAXONOMY_VALUE = "taxonomy_value_reason";
  private static final String BY_NO_REASON = "no_reason";
  private static final String BY_NOT_IN_TAXONOMY = "reason_not_in_taxonomy";

  /** The contract columns the pass computes; the other contract columns are passed through from the input row. */
  static final List<String> TAGS =
      List.of(
          Recontacts.IS_RECONTACT,
          Recontacts.IS_TRANSFER,
          Recontacts.PRIOR_CONTACT_ID,
          Recontacts.GAP_SECONDS,
          Recontacts.CHAIN_ID,
          Recontacts.CHAIN_POSITION,
          Recontacts.FCR_STATUS,
          Recontacts.DEMAND_CLASS,
          Recontacts.FAILURE_SUBTYPE,
          Recontacts.DECIDED_BY,
          Recontacts.COST);

  // Input positions of the computed columns: a context row starts from its stored values.
  private final int[] tagIn;
  // Per output column: its position in the input row, or -1 - k for the k-th computed column.
  private final int[] outFrom;
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
  // Input positions of the context rows' kept columns.
  private final int isRecontactIn;
  private final int isTransferIn;
  private final int chainIdIn;
  private final int chainPositionIn;
  // Positions of the computed columns in TAGS.
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
  private final List<String> transferOutcomes;
  private final boolean outboundCanRecontact;
  private final boolean automationInduced;
  private final long asOfSeconds;
  private final HashMap<String, Double> channelCost;
  private final double defaultChannelCost;
  private final boolean clustered;

  /**
   * @param in the schema of the input rows: the contact_demand contract's columns (timestamps as epoch microseconds,
   *     dates as epoch days) and the working columns of {@link Recontacts#union}
   */
  ChainTagger(
      StructType in,
      RecontactRules rules,
      Timestamp asOf,
      Map<String, Double> channelCost,
      double defaultChannelCost,
      boolean clustered) {
    this.clustered = clustered;
    tagIn = new int[TAGS.size()];
    for (int k = 0; k < tagIn.length; k++) {
      tagIn[k] = in.fieldIndex(TAGS.get(k));
    }
    StructField[] out = DemandTables.CONTACT_DEMAND.schema().fields();
    outFrom = new int[out.length];
    for (int i = 0; i < out.length; i++) {
      int k = TAGS.indexOf(out[i].name());
      outFrom[i] = k >= 0 ? -1 - k : in.fieldIndex(out[i].name());
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
    isRecontactOut = TAGS.indexOf(Recontacts.IS_RECONTACT);
    isTransferOut = TAGS.indexOf(Recontacts.IS_TRANSFER);
    priorOut = TAGS.indexOf(Recontacts.PRIOR_CONTACT_ID);
    gapOut = TAGS.indexOf(Recontacts.GAP_SECONDS);
    chainIdOut = TAGS.indexOf(Recontacts.CHAIN_ID);
    chainPositionOut = TAGS.indexOf(Recontacts.CHAIN_POSITION);
    fcrOut = TAGS.indexOf(Recontacts.FCR_STATUS);
    demandClassOut = TAGS.indexOf(Recontacts.DEMAND_CLASS);
    subtypeOut = TAGS.indexOf(Recontacts.FAILURE_SUBTYPE);
    decidedByOut = TAGS.indexOf(Recontacts.DECIDED_BY);
    costOut = TAGS.indexOf(Recontacts.COST);

    windowByNeed = seconds(rules.windowByNeed());
    windowByChannel = seconds(rules.windowByChannel());
    window = rules.window().getSeconds();
    maxChannelWindow = rules.maxChannelWindow().getSeconds();
    transferGap = rules.transferGap().getSeconds();
    transferOutcomes = List.copyOf(rules.transferOutcomes());
    outboundCanRecontact = rules.outbound() == RecontactRules.Outbound.CAN_RECONTACT;
    automationInduced = rules.automation() == RecontactRules.Automation.AUTOMATION_INDUCED;
    asOfSeconds = Math.floorDiv(asOf.getTime(), 1000L);
    this.channelCost = new HashMap<>(channelCost);
    this.defaultChannelCost = defaultChannelCost;
  }

  /**
   * The schema of the pass's output rows: the contact_demand contract's columns with the input's types (timestamps
   * still as microseconds, dates as days), every field nullable (the table contract checks NOT NULL on write); a
   * passed-through column keeps the input's metadata, a computed one has none.
   */
  static StructType outputSchema(StructType in) {
    List<StructField> fields = new ArrayList<>();
    for (StructField f : DemandTables.CONTACT_DEMAND.schema().fields()) {
      StructField input = in.fields()[in.fieldIndex(f.name())];
      Metadata metadata = TAGS.contains(f.name()) ? Metadata.empty() : input.metadata();
      fields.add(new StructField(f.name(), input.dataType(), true, metadata));
    }
    return new StructType(fields.toArray(StructField[]::new));
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    return clustered ? new ByCustomer(rows) : new BySortedNeed(rows);
  }

  /** What one partition's pass keeps: the rows of the group being tagged, their output, lookups by string. */
  private abstract class Pass implements Iterator<Row> {
    final Iterator<Row> rows;
    final List<Row> need = new ArrayList<>();
    final List<Object[]> needOut = new ArrayList<>();
    // The group's input rows and, at the same index, their computed values.
    final List<Row> taggedRows = new ArrayList<>();
    final List<Object[]> tagged = new ArrayList<>();
    // Per distinct value: low-cardinality columns are looked up once, not lower-cased on every row.
    final HashMap<String, Boolean> isTransferOutcome = new HashMap<>();
    final HashMap<String, Long> channelWindow = new HashMap<>();
    final HashMap<String, Double> cost = new HashMap<>();
    // The deserializer makes a new Row for every input row, so rows are buffered without a copy.
    Row pending;
    int next;

    Pass(Iterator<Row> rows) {
      this.rows = rows;
      pending = rows.hasNext() ? rows.next() : null;
    }

    /** Fills {@link #tagged} with the next group's output rows. */
    abstract void fill();

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
        tagged.clear();
        taggedRows.clear();
        next = 0;
        fill();
      }
      int i = next++;
      Row r = taggedRows.get(i);
      Object[] tags = tagged.get(i);
      Object[] values = new Object[outFrom.length];
      for (int c = 0; c < values.length; c++) {
        int from = outFrom[c];
        values[c] = from >= 0 ? r.get(from) : tags[-1 - from];
      }
      return RowFactory.create(values);
    }

    /** Tags one customer's contacts about one need, in order, and appends them to {@link #tagged}. */
    void tagNeed(List<Row> group) {
      tag(group, needOut, this);
      tagged.addAll(needOut);
      taggedRows.addAll(group);
    }
  }

  /** Over a partition sorted by customer, need, start and contact id: one run of rows per customer and need. */
  private final class BySortedNeed extends Pass {
    BySortedNeed(Iterator<Row> rows) {
      super(rows);
    }

    @Override
    void fill() {
      need.clear();
      need.add(pending);
      pending = null;
      String customer = need.get(0).getString(customerKey);
      String needValue = need.get(0).getString(needKey);
      while (rows.hasNext()) {
        Row r = rows.next();
        if (customer.equals(r.getString(customerKey)) && Objects.equals(needValue, r.getString(needKey))) {
          need.add(r);
        } else {
          pending = r;
          break;
        }
      }
      tagNeed(need);
    }
  }

  /**
   * Over a partition in which each customer's rows are contiguous and customers ascend (a file of the contacts
   * table as ingest writes it, {@link CustomerClustering}): buffers one customer at a time, sorts their rows by need,
   * start and contact id in memory (Spark's order: strings by code point, as UTF-8 bytes, nulls first) and tags each
   * need's run. A customer key lower than the one before means the partition is not clustered; the pass then fails
   * with {@link CustomerClustering#NOT_CLUSTERED} rather than tag a customer in two pieces.
   */
  private final class ByCustomer extends Pass {
    private final ArrayList<Row> customer = new ArrayList<>();
    private String previous;

    ByCustomer(Iterator<Row> rows) {
      super(rows);
    }

    @Override
    void fill() {
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
        customer.sort(ChainTagger.this::compareNeedStartId);
      }
      int from = 0;
      for (int i = 1; i <= customer.size(); i++) {
        if (i == customer.size()
            || !Objects.equals(customer.get(from).getString(needKey), customer.get(i).getString(needKey))) {
          tagNeed(customer.subList(from, i));
          from = i;
        }
      }
    }
  }

  private int compareNeedStartId(Row a, Row b) {
    int c = CustomerClustering.compareCodePoints(a.getString(needKey), b.getString(needKey));
    if (c != 0) {
      return c;
    }
    c = Long.compare(a.getLong(startedAt), b.getLong(startedAt));
    return c != 0 ? c : CustomerClustering.compareCodePoints(a.getString(contactId), b.getString(contactId));
  }

  /** Tags one customer's contacts about one need, in order; replaces the contents of {@code out}. */
  private void tag(List<Row> rows, List<Object[]> out, Pass pass) {
    out.clear();
    int n = rows.size();
    boolean[] transfer = new boolean[n];
    Boolean[] recontact = new Boolean[n];
    String need = rows.get(0).getString(needKey);
    Long needWindow = need == null ? null : windowByNeed.get(need);
    String anchorId = null;
    Integer anchorPosition = null;
    int anchorRn = 0;
    for (int i = 0; i < n; i++) {
      Row r = rows.get(i);
      boolean isContext = r.getBoolean(context);
      Object[] v = new Object[tagIn.length];
      if (isContext) {
        for (int k = 0; k < tagIn.length; k++) {
          v[k] = r.get(tagIn[k]);
        }
      }
      long start = seconds(r.getLong(startedAt));
      Row prev = i == 0 ? null : rows.get(i - 1);
      Long gap = null;
      boolean linkedTransfer = false;
      boolean linkedRecontact = false;
      if (prev != null) {
        gap = start - seconds(prev.getLong(startedAt));
        long prevEnd = seconds(prev.isNullAt(endedAt) ? prev.getLong(startedAt) : prev.getLong(endedAt));
        linkedTransfer =
            !prev.isNullAt(outcome)
                && isTransferOutcome(prev.getString(outcome), pass)
                && start <= prevEnd + transferGap;
        boolean canRecontact = outboundCanRecontact || INBOUND.equals(r.getString(direction));
        linkedRecontact = !linkedTransfer && canRecontact && gap <= windowFor(needWindow, r, pass);
      }
      boolean isTransfer = isContext ? r.getBoolean(isTransferIn) : linkedTransfer;
      Boolean isRecontact =
          isContext
              ? (r.isNullAt(isRecontactIn) ? null : Boolean.valueOf(r.getBoolean(isRecontactIn)))
              : Boolean.valueOf(linkedRecontact);
      boolean linked = isTransfer || Boolean.TRUE.equals(isRecontact);
      transfer[i] = isTransfer;
      recontact[i] = isRecontact;
      v[isTransferOut] = isTransfer;
      v[isRecontactOut] = isRecontact;
      if (!isContext) {
        v[priorOut] = linked ? prev.getString(contactId) : null;
        v[gapOut] = linked ? gap : null;
      }
      // A chain restarts at every contact that is not linked to its predecessor; context rows carry their chain.
      int rn = i + 1;
      if (isContext || !linked) {
        String id = isContext ? r.getString(chainIdIn) : r.getString(contactId);
        Integer position =
            isContext ? (r.isNullAt(chainPositionIn) ? null : r.getInt(chainPositionIn)) : Integer.valueOf(1);
        anchorId = id == null ? anchorId : id;
        anchorPosition = position == null ? anchorPosition : position;
        anchorRn = rn;
      }
      v[chainIdOut] = anchorId;
      v[chainPositionOut] = anchorPosition == null ? null : anchorPosition + rn - anchorRn;

      if (!isContext) {
        String taxClass = r.getString(taxonomyClass);
        boolean taxonomyFailure = Recontacts.FAILURE.equals(taxClass);
        boolean induced = automationInduced && linked && !prev.isNullAt(automationFlow);
        boolean repeat = Boolean.TRUE.equals(isRecontact);
        if (taxonomyFailure) {
          set(v, Recontacts.FAILURE, r.getString(taxonomySubtype), BY_TAXONOMY_FAILURE);
        } else if (induced) {
          set(v, Recontacts.FAILURE, Recontacts.AUTOMATION_INDUCED, BY_AUTOMATION);
        } else if (repeat) {
          set(v, Recontacts.FAILURE, Recontacts.REPEAT_NOT_RESOLVED, BY_RECONTACT);
        } else if (Recontacts.VALUE.equals(taxClass)) {
          set(v, Recontacts.VALUE, null, BY_TAXONOMY_VALUE);
        } else {
          set(v, Recontacts.UNCLASSIFIED, null, r.isNullAt(reason) ? BY_NO_REASON : BY_NOT_IN_TAXONOMY);
        }
        v[costOut] = cost(r.isNullAt(channel) ? null : r.getString(channel), pass);
      }
      out.add(v);
    }
    // Backwards: transfers continue the same touch, so the next contact that is not a transfer decides.
    long censor = needWindow != null ? needWindow : maxChannelWindow;
    Boolean nextIsRecontact = null;
    for (int i = n - 1; i >= 0; i--) {
      Object[] v = out.get(i);
      long start = seconds(rows.get(i).getLong(startedAt));
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

  private void set(Object[] v, String demandClass, String subtype, String decidedBy) {
    v[demandClassOut] = demandClass;
    v[subtypeOut] = subtype;
    v[decidedByOut] = decidedBy;
  }

  /** Whether an outcome (any case) is one of the transfer outcomes. */
  private boolean isTransferOutcome(String outcomeValue, Pass pass) {
    Boolean known = pass.isTransferOutcome.get(outcomeValue);
    if (known == null) {
      known = transferOutcomes.contains(outcomeValue.toLowerCase(Locale.ROOT));
      pass.isTransferOutcome.put(outcomeValue, known);
    }
    return known;
  }

  /** The recontact window of a contact: by need, else by channel, else the default. */
  private long windowFor(Long needWindow, Row r, Pass pass) {
    if (needWindow != null) {
      return needWindow;
    }
    if (r.isNullAt(channel)) {
      return window;
    }
    String ch = r.getString(channel);
    Long known = pass.channelWindow.get(ch);
    if (known == null) {
      Long byChannel = windowByChannel.get(ch);
      known = byChannel != null ? byChannel : window;
      pass.channelWindow.put(ch, known);
    }
    return known;
  }

  /** The cost of a contact on a channel (any case): demand.channel-cost, else the default. */
  private double cost(String ch, Pass pass) {
    if (ch == null) {
      return defaultChannelCost;
    }
    Double known = pass.cost.get(ch);
    if (known == null) {
      Double c = channelCost.get(ch.toLowerCase(Locale.ROOT));
      known = c == null ? defaultChannelCost : c;
      pass.cost.put(ch, known);
    }
    return known;
  }

  /** Whole epoch seconds (floor) of a timestamp in microseconds, as Spark's cast of a timestamp to long. */
  private static long seconds(long micros) {
    return Math.floorDiv(micros, 1_000_000L);
  }

  private static HashMap<String, Long> seconds(Map<String, Duration> durations) {
    HashMap<String, Long> out = new HashMap<>();
    durations.forEach((k, v) -> out.put(k, v.getSeconds()));
    return out;
  }
}
