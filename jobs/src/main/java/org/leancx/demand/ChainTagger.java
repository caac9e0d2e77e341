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
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
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
 * <p>It works on Spark's internal rows (strings as UTF-8 bytes, timestamps as microseconds), not on external Rows:
 * decoding and re-encoding every string and timestamp of 24 columns cost about 7 s of the 10M-contact step, the
 * internal rows about 3 s (docs/BENCHMARKS.md). Columns it does not compute are not copied: each output row is the
 * input row joined with a row of the computed columns ({@link #outputSchema}).
 */
final class ChainTagger implements FlatMapFunction<Iterator<InternalRow>, InternalRow>, Serializable {
  private static final long serialVersionUID = 1L;
  private static final UTF8String INBOUND = UTF8String.fromString("INBOUND");
  private static final UTF8String FAILURE = UTF8String.fromString(Recontacts.FAILURE);
  private static final UTF8String VALUE = UTF8String.fromString(Recontacts.VALUE);
  private static final UTF8String UNCLASSIFIED = UTF8String.fromString(Recontacts.UNCLASSIFIED);
  private static final UTF8String REPEATED = UTF8String.fromString(Recontacts.REPEATED);
  private static final UTF8String PENDING = UTF8String.fromString(Recontacts.PENDING);
  private static final UTF8String RESOLVED_FIRST_TIME = UTF8String.fromString(Recontacts.RESOLVED_FIRST_TIME);
  private static final UTF8String AUTOMATION_INDUCED = UTF8String.fromString(Recontacts.AUTOMATION_INDUCED);
  private static final UTF8String REPEAT_NOT_RESOLVED = UTF8String.fromString(Recontacts.REPEAT_NOT_RESOLVED);
  private static final UTF8String BY_TAXONOMY_FAILURE = UTF8String.fromString("taxonomy_failure_reason");
  private static final UTF8String BY_AUTOMATION = UTF8String.fromString("automation_induced");
  private static final UTF8String BY_RECONTACT = UTF8String.fromString("recontact");
  private static final UTF8String BY_TAXONOMY_VALUE = UTF8String.fromString("taxonomy_value_reason");
  private static final UTF8String BY_NO_REASON = UTF8String.fromString("no_reason");
  private static final UTF8String BY_NOT_IN_TAXONOMY = UTF8String.fromString("reason_not_in_taxonomy");

  /**
   * The contract columns the pass computes, in the order of its tag row. Its output row is the input row joined with
   * the tag row ({@link #outputSchema}); the other contract columns are read from the input row as they are.
   */
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
  /** The prefix of the tag row's column names in {@link #outputSchema}. */
  static final String TAG_PREFIX = "__tag_";

  // Input positions and types of the computed columns: a context row starts from its stored values.
  private final int[] tagIn;
  private final DataType[] tagTypes;
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
  // Positions of the computed columns in the tag row.
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

  ChainTagger(
      StructType in,
      RecontactRules rules,
      Timestamp asOf,
      Map<String, Double> channelCost,
      double defaultChannelCost,
      boolean clustered) {
    this.clustered = clustered;
    tagIn = new int[TAGS.size()];
    tagTypes = new DataType[TAGS.size()];
    for (int k = 0; k < tagIn.length; k++) {
      tagIn[k] = in.fieldIndex(TAGS.get(k));
      tagTypes[k] = in.fields()[tagIn[k]].dataType();
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
   * The schema of the pass's rows: the input's columns, then the computed ones ({@link #TAGS}, named with
   * {@link #TAG_PREFIX}), every field nullable (the table contract checks NOT NULL on write). Each output row is the
   * input row joined with its tag row, so the columns the pass does not compute are never copied or boxed here: the
   * projection to the contract's columns after the pass reads them straight from the input row.
   */
  static StructType outputSchema(StructType in) {
    List<StructField> fields = new ArrayList<>();
    for (StructField f : in.fields()) {
      fields.add(new StructField(f.name(), f.dataType(), true, f.metadata()));
    }
    for (String tag : TAGS) {
      fields.add(new StructField(TAG_PREFIX + tag, in.fields()[in.fieldIndex(tag)].dataType(), true, Metadata.empty()));
    }
    return new StructType(fields.toArray(StructField[]::new));
  }

  @Override
  public Iterator<InternalRow> call(Iterator<InternalRow> rows) {
    return clustered ? new ByCustomer(rows) : new BySortedNeed(rows);
  }

  /** What one partition's pass keeps: the rows of the group being tagged, their output, lookups by string. */
  private abstract class Pass implements Iterator<InternalRow> {
    final Iterator<InternalRow> rows;
    final List<InternalRow> need = new ArrayList<>();
    final List<Object[]> needOut = new ArrayList<>();
    // The group's input rows and, at the same index, their tag rows' values.
    final List<InternalRow> taggedRows = new ArrayList<>();
    final List<Object[]> tagged = new ArrayList<>();
    final JoinedRow joined = new JoinedRow();
    // Per distinct value: low-cardinality columns are looked up once, not decoded on every row.
    final HashMap<UTF8String, Boolean> isTransferOutcome = new HashMap<>();
    final HashMap<UTF8String, Long> channelWindow = new HashMap<>();
    final HashMap<UTF8String, Double> cost = new HashMap<>();
    InternalRow pending;
    int next;

    Pass(Iterator<InternalRow> rows) {
      this.rows = rows;
      pending = rows.hasNext() ? rows.next().copy() : null;
    }

    /** Fills {@link #tagged} with the next group's output rows. */
    abstract void fill();

    @Override
    public boolean hasNext() {
      return next < tagged.size() || pending != null;
    }

    @Override
    public InternalRow next() {
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
      return joined.apply(taggedRows.get(i), new GenericInternalRow(tagged.get(i)));
    }

    /** Tags one customer's contacts about one need, in order, and appends them to {@link #tagged}. */
    void tagNeed(List<InternalRow> group) {
      tag(group, needOut, this);
      tagged.addAll(needOut);
      taggedRows.addAll(group);
    }
  }

  /** Over a partition sorted by customer, need, start and contact id: one run of rows per customer and need. */
  private final class BySortedNeed extends Pass {
    BySortedNeed(Iterator<InternalRow> rows) {
      super(rows);
    }

    @Override
    void fill() {
      need.clear();
      need.add(pending);
      pending = null;
      UTF8String customer = need.get(0).getUTF8String(customerKey);
      UTF8String needValue = need.get(0).getUTF8String(needKey);
      while (rows.hasNext()) {
        InternalRow r = rows.next().copy();
        if (customer.equals(r.getUTF8String(customerKey)) && Objects.equals(needValue, r.getUTF8String(needKey))) {
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
   * start and contact id in memory (Spark's order: strings by UTF-8 bytes, nulls first) and tags each need's run. A
   * customer key lower than the one before means the partition is not clustered; the pass then fails with
   * {@link CustomerClustering#NOT_CLUSTERED} rather than tag a customer in two pieces.
   */
  private final class ByCustomer extends Pass {
    private final ArrayList<InternalRow> customer = new ArrayList<>();
    private UTF8String previous;

    ByCustomer(Iterator<InternalRow> rows) {
      super(rows);
    }

    @Override
    void fill() {
      UTF8String key = pending.getUTF8String(customerKey);
      if (previous != null && key.binaryCompare(previous) < 0) {
        throw new IllegalStateException(
            CustomerClustering.NOT_CLUSTERED + ": customer " + key + " follows " + previous);
      }
      customer.clear();
      customer.add(pending);
      pending = null;
      while (rows.hasNext()) {
        InternalRow r = rows.next().copy();
        if (key.equals(r.getUTF8String(customerKey))) {
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
            || !Objects.equals(customer.get(from).getUTF8String(needKey), customer.get(i).getUTF8String(needKey))) {
          tagNeed(customer.subList(from, i));
          from = i;
        }
      }
    }
  }

  private int compareNeedStartId(InternalRow a, InternalRow b) {
    int c = compareNullsFirst(a.getUTF8String(needKey), b.getUTF8String(needKey));
    if (c != 0) {
      return c;
    }
    c = Long.compare(a.getLong(startedAt), b.getLong(startedAt));
    return c != 0 ? c : compareNullsFirst(a.getUTF8String(contactId), b.getUTF8String(contactId));
  }

  private static int compareNullsFirst(UTF8String a, UTF8String b) {
    if (a == null || b == null) {
      return a == null ? (b == null ? 0 : -1) : 1;
    }
    // binaryCompare, not compareTo: the same order, but compareTo reads an environment variable on every call.
    return a.binaryCompare(b);
  }

  /** Tags one customer's contacts about one need, in order; replaces the contents of {@code out}. */
  private void tag(List<InternalRow> rows, List<Object[]> out, Pass pass) {
    out.clear();
    int n = rows.size();
    boolean[] transfer = new boolean[n];
    Boolean[] recontact = new Boolean[n];
    UTF8String need = rows.get(0).getUTF8String(needKey);
    Long needWindow = need == null ? null : windowByNeed.get(need.toString());
    UTF8String anchorId = null;
    Integer anchorPosition = null;
    int anchorRn = 0;
    for (int i = 0; i < n; i++) {
      InternalRow r = rows.get(i);
      boolean isContext = r.getBoolean(context);
      Object[] v = new Object[tagIn.length];
      if (isContext) {
        for (int k = 0; k < tagIn.length; k++) {
          v[k] = r.isNullAt(tagIn[k]) ? null : r.get(tagIn[k], tagTypes[k]);
        }
      }
      long start = seconds(r.getLong(startedAt));
      InternalRow prev = i == 0 ? null : rows.get(i - 1);
      Long gap = null;
      boolean linkedTransfer = false;
      boolean linkedRecontact = false;
      if (prev != null) {
        gap = start - seconds(prev.getLong(startedAt));
        long prevEnd = seconds(prev.isNullAt(endedAt) ? prev.getLong(startedAt) : prev.getLong(endedAt));
        linkedTransfer =
            !prev.isNullAt(outcome)
                && isTransferOutcome(prev.getUTF8String(outcome), pass)
                && start <= prevEnd + transferGap;
        boolean canRecontact = outboundCanRecontact || INBOUND.equals(r.getUTF8String(direction));
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
        v[priorOut] = linked ? prev.getUTF8String(contactId) : null;
        v[gapOut] = linked ? gap : null;
      }
      // A chain restarts at every contact that is not linked to its predecessor; context rows carry their chain.
      int rn = i + 1;
      if (isContext || !linked) {
        UTF8String id = isContext ? r.getUTF8String(chainIdIn) : r.getUTF8String(contactId);
        Integer position =
            isContext ? (r.isNullAt(chainPositionIn) ? null : r.getInt(chainPositionIn)) : Integer.valueOf(1);
        anchorId = id == null ? anchorId : id;
        anchorPosition = position == null ? anchorPosition : position;
        anchorRn = rn;
      }
      v[chainIdOut] = anchorId;
      v[chainPositionOut] = anchorPosition == null ? null : anchorPosition + rn - anchorRn;

      if (!isContext) {
        UTF8String taxClass = r.getUTF8String(taxonomyClass);
        boolean taxonomyFailure = FAILURE.equals(taxClass);
        boolean induced = automationInduced && linked && !prev.isNullAt(automationFlow);
        boolean repeat = Boolean.TRUE.equals(isRecontact);
        if (taxonomyFailure) {
          set(v, FAILURE, r.getUTF8String(taxonomySubtype), BY_TAXONOMY_FAILURE);
        } else if (induced) {
          set(v, FAILURE, AUTOMATION_INDUCED, BY_AUTOMATION);
        } else if (repeat) {
          set(v, FAILURE, REPEAT_NOT_RESOLVED, BY_RECONTACT);
        } else if (VALUE.equals(taxClass)) {
          set(v, VALUE, null, BY_TAXONOMY_VALUE);
        } else {
          set(v, UNCLASSIFIED, null, r.isNullAt(reason) ? BY_NO_REASON : BY_NOT_IN_TAXONOMY);
        }
        v[costOut] = cost(r.isNullAt(channel) ? null : r.getUTF8String(channel), pass);
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
        v[fcrOut] = REPEATED;
      } else if (start + censor > asOfSeconds) {
        v[fcrOut] = PENDING;
      } else {
        v[fcrOut] = RESOLVED_FIRST_TIME;
      }
      if (!transfer[i] && recontact[i] != null) {
        nextIsRecontact = recontact[i];
      }
    }
  }

  private void set(Object[] v, UTF8String demandClass, UTF8String subtype, UTF8String decidedBy) {
    v[demandClassOut] = demandClass;
    v[subtypeOut] = subtype;
    v[decidedByOut] = decidedBy;
  }

  /** Whether an outcome (any case) is one of the transfer outcomes. */
  private boolean isTransferOutcome(UTF8String outcomeValue, Pass pass) {
    Boolean known = pass.isTransferOutcome.get(outcomeValue);
    if (known == null) {
      known = transferOutcomes.contains(outcomeValue.toString().toLowerCase(Locale.ROOT));
      pass.isTransferOutcome.put(outcomeValue.clone(), known);
    }
    return known;
  }

  /** The recontact window of a contact: by need, else by channel, else the default. */
  private long windowFor(Long needWindow, InternalRow r, Pass pass) {
    if (needWindow != null) {
      return needWindow;
    }
    if (r.isNullAt(channel)) {
      return window;
    }
    UTF8String ch = r.getUTF8String(channel);
    Long known = pass.channelWindow.get(ch);
    if (known == null) {
      Long byChannel = windowByChannel.get(ch.toString());
      known = byChannel != null ? byChannel : window;
      pass.channelWindow.put(ch.clone(), known);
    }
    return known;
  }

  /** The cost of a contact on a channel (any case): demand.channel-cost, else the default. */
  private double cost(UTF8String ch, Pass pass) {
    if (ch == null) {
      return defaultChannelCost;
    }
    Double known = pass.cost.get(ch);
    if (known == null) {
      Double c = channelCost.get(ch.toString().toLowerCase(Locale.ROOT));
      known = c == null ? defaultChannelCost : c;
      pass.cost.put(ch.clone(), known);
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
