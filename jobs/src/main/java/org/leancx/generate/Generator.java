package org.leancx.generate;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.ceil;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.initcap;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.posexplode;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.slice;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.timestamp_seconds;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.leancx.common.JobRunner;
import org.leancx.common.Settings;
import org.leancx.common.SettingsException;
import org.leancx.common.Step;
import org.leancx.common.Summarised;
import org.leancx.common.Warehouse;
import org.leancx.demand.Taxonomy;
import org.leancx.generate.GenerateSettings.PlantedSet;

/**
 * The synthetic data generator: writes raw contact and case-event exports (the layout of
 * conf/sources/synthetic_*.conf) with a planted truth, from {@code spark.range(customers)} and hash draws only, so
 * that it is deterministic for a seed and scales to 100M contacts.
 *
 * <p>Model: a customer has episodes (one need family each, Zipf-like in number); an episode is a chain of 1 to 4
 * touches, where a touch is a contact plus its transfer; a touch fails (the customer comes back 1 h to 6 days
 * later) with the base failure rate times the multipliers of the planted condition sets it meets. Episodes of one
 * customer and need family start more than 14 days after the previous one's last event.
 */
public final class Generator {
  static final String JOB = "generate";
  /** The marker file that lets a rerun replace the output folder. */
  static final String MARKER = "_LEANCX_SYNTHETIC";

  // Internal columns.
  static final String CUSTOMER_ID = "customer_id";
  static final String EPISODE = "episode";
  static final String TOUCH = "touch";
  static final String LEG = "leg";
  static final String CHAINED_TOUCHES = "chained_touches";

  // Attribute columns, named as in planted conditions.
  static final String CHANNEL = "channel";
  static final String NEED_FAMILY = "need_family";
  static final String REASON = "reason";
  static final String TEAM = "team";
  static final String PRODUCT = "product";
  static final String SEGMENT = "segment";
  static final String REGION = "region";
  /** The customer's vulnerability flag (Y or N), on every contact of the customer as a CRM export carries it. */
  static final String VULNERABLE = "vulnerability_flag";
  static final String AUTOMATION_FLOW = "automation_flow";
  /** The folder of the vulnerable-customer list export. */
  static final String VULNERABLE_LIST = "vulnerable_customers";
  /** The arm (A or B) of the planted A/B test, on every contact of a customer in it (raw and kept column). */
  static final String HANDLING_VARIANT = "handling_variant";
  /** The customer's arm of the planted A/B test; null outside the test. */
  static final String EXPERIMENT_ARM = "experiment_arm";

  /** The raw contacts columns, in file order. */
  public static final List<String> CONTACT_COLUMNS =
      List.of(
          "contact_ref", "customer_number", "channel_name", "direction", "start_time", "end_time", "wait_sec",
          "reason_code", "disposition", "team_name", "agent_id", "case_ref", "bot_flow", "product", "segment",
          "region", VULNERABLE, HANDLING_VARIANT);
  /** The raw case-event columns, in file order. */
  public static final List<String> CASE_EVENT_COLUMNS =
      List.of("event_ref", "case_ref", "customer_number", "activity", "event_time", "lifecycle", "resource",
          "team_name");
  /** The truth columns of one clean contact. */
  public static final List<String> TRUTH_COLUMNS =
      List.of("contact_ref", "planted_recontact", "planted_prior_contact_ref", "planted_chain_id",
          "planted_chain_position", "planted_journey_id", "service_account", "need_family", VULNERABLE);
  /** The raw survey columns, in file order (the layout of conf/sources/synthetic_surveys.conf). */
  public static final List<String> SURVEY_COLUMNS =
      List.of("survey_ref", "customer_number", "contact_ref", "case_ref", "answered_time", "nps_score", "csat_score",
          "servqual_reliability", "servqual_responsiveness");
  /** The kinds of dirty survey rows. */
  public static final List<String> DIRTY_SURVEY_KINDS = List.of("NPS_OUT_OF_RANGE", "NO_CONTACT_OR_CASE");
  /** The folder of the survey export. */
  static final String SURVEYS = "surveys";
  /** The kinds of dirty rows. */
  public static final List<String> DIRTY_KINDS =
      List.of("DUPLICATE_EXACT", "MISSING_ID", "MISSING_CUSTOMER", "BAD_TIMESTAMP", "ENDED_BEFORE_STARTED");

  private static final int MAX_TOUCHES = 4;
  private static final int MAX_EPISODES = 40;
  private static final long DAY = 86_400;
  /** Days added to an episode's span before the next one of the same need: the journey gap (14 days) plus one. */
  private static final int EPISODE_SPACING_DAYS = 15;
  /** Share of touches routed to the home site of the customer's region; the rest overflow to any site. */
  private static final double HOME_SITE_SHARE = 0.7;

  private Generator() {}

  /**
   * What one run wrote.
   *
   * @param output the output folder
   * @param customers customers generated
   * @param contacts clean contacts
   * @param dirtyRows extra dirty contact rows
   * @param caseEvents case events
   * @param recontacts planted recontacts
   * @param serviceAccounts customers flagged as service accounts
   * @param plantedSets planted condition sets
   * @param surveys clean survey rows
   * @param dirtySurveys extra dirty survey rows
   */
  public record Result(
      String output,
      long customers,
      long contacts,
      long dirtyRows,
      long caseEvents,
      long recontacts,
      long serviceAccounts,
      int plantedSets,
      long surveys,
      long dirtySurveys) implements Summarised {

    /** E.g. {@code 2,000 customers: 12,345 contacts + 123 dirty rows, 45,678 case events, ... into raw/}. */
    @Override
    public String summary() {
      return String.format(java.util.Locale.ROOT,
          "%,d customers: %,d contacts + %,d dirty rows, %,d case events, %,d planted recontacts, %,d service"
              + " accounts, %d planted condition sets, %,d surveys + %,d dirty survey rows; into %s",
          customers, contacts, dirtyRows, caseEvents, recontacts, serviceAccounts, plantedSets, surveys, dirtySurveys,
          output);
    }
  }

  /** Runs the generator as a recorded job in pipeline_runs. */
  public static Result run(Warehouse warehouse, Settings settings) {
    GenerateSettings s = GenerateSettings.from(settings);
    return JobRunner.run(
        warehouse,
        settings,
        JOB,
        "customers=" + s.customers() + " seed=" + s.seed() + " format=" + s.format(),
        run -> {
          Result r = run(warehouse.spark(), s);
          run.count("contacts", r.contacts());
          run.count("dirty_rows", r.dirtyRows());
          run.count("case_events", r.caseEvents());
          run.count("planted_recontacts", r.recontacts());
          run.count("service_accounts", r.serviceAccounts());
          run.count("surveys", r.surveys());
          run.count("dirty_surveys", r.dirtySurveys());
          return r;
        });
  }

  /** Generates and writes the raw exports and the truth under {@code s.output()}, replacing what was there. */
  public static Result run(SparkSession spark, GenerateSettings s) {
    // Timestamps are written in UTC whatever the session's time zone is.
    String zone = spark.conf().get("spark.sql.session.timeZone");
    spark.conf().set("spark.sql.session.timeZone", "UTC");
    try {
      return generate(spark, s);
    } finally {
      spark.conf().set("spark.sql.session.timeZone", zone);
    }
  }

  private static Result generate(SparkSession spark, GenerateSettings s) {
    World world = new World(Taxonomy.read(Path.of(s.taxonomy())));
    validatePlanted(world, s.planted());
    validateGuardrailTruths(world, s);
    Draws draws = new Draws(s.seed());

    Dataset<Row> customers = customers(spark, s, draws);
    Dataset<Row> touches = touches(customers, s, world, draws).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Dataset<Row> clean = withRawColumns(contacts(touches, customers, s, world, draws), draws);
      Dataset<Row> accounts = serviceAccounts(clean);
      Dataset<Row> flagged =
          clean
              .join(broadcast(accounts), clean.col(CUSTOMER_ID).equalTo(accounts.col("sa_customer_id")), "left")
              .withColumn("service_account", col("sa_customer_id").isNotNull())
              .drop("sa_customer_id")
              .persist(StorageLevel.MEMORY_AND_DISK());
      try {
        Dataset<Row> dirty = dirtyRows(flagged, s, draws);
        prepareOutput(spark, s.output());
        int files = s.files();
        Dataset<Row> rawContacts =
            flagged.select(rawContactColumns(s)).unionByName(dirty.select(rawContactColumns(s)));
        Step.run(
            spark, JOB, "contacts", () -> write(sorted(rawContacts, files, "customer_number", "start_time"), s, "contacts"));
        Step.run(
            spark,
            JOB,
            "case events",
            () ->
                write(
                    sorted(caseEvents(touches, s, world, draws), files, "customer_number", "event_time"),
                    s,
                    "case_events"));
        Step.run(spark, JOB, "vulnerable customer list",
            () -> write(sorted(vulnerableList(customers, s, draws), files, "customer_number", "customer_number"), s,
                VULNERABLE_LIST));
        // Surveys last among the exports: their draws have salts of their own, so the other exports are unchanged.
        Dataset<Row> surveys = surveys(touches, s, draws).persist(StorageLevel.MEMORY_AND_DISK());
        Dataset<Row> dirtySurveys = dirtySurveys(surveys, s, draws);
        Step.run(spark, JOB, "surveys",
            () -> write(sorted(surveys.select(surveyColumns()).unionByName(dirtySurveys.select(surveyColumns())), files,
                "customer_number", "answered_time"), s, SURVEYS));
        Step.run(
            spark,
            JOB,
            "truth",
            () -> {
              writeParquet(
                  sorted(truth(flagged), files, "contact_ref", "contact_ref"), s.output() + "/truth/contacts");
              writeParquet(
                  sorted(dirty.select("contact_ref", "kind"), files, "contact_ref", "contact_ref"),
                  s.output() + "/truth/dirty");
              writeParquet(plantedConditions(spark, s.planted()).coalesce(1), s.output() + "/truth/planted_conditions");
              writeParquet(decoyConditions(spark, s.planted()).coalesce(1), s.output() + "/truth/decoy_conditions");
              writeParquet(plantedSurveys(spark, s.surveys()).coalesce(1), s.output() + "/truth/planted_surveys");
              writeParquet(
                  sorted(surveys.select("survey_ref", "planted_repeats", "planted_lead_time_days", "planted_journey_id",
                      "planted_nps_expected"), files, "survey_ref", "survey_ref"), s.output() + "/truth/surveys");
              writeParquet(sorted(dirtySurveys.select("survey_ref", "kind"), files, "survey_ref", "survey_ref"),
                  s.output() + "/truth/dirty_surveys");
            });
        Row counts =
            Step.run(
                spark,
                JOB,
                "counting",
                () ->
                    flagged
                        .agg(
                            count(lit(1)),
                            sum(when(col("truth_recontact").and(not(col("service_account"))), 1).otherwise(0)),
                            org.apache.spark.sql.functions.countDistinct(
                                when(col("service_account"), col(CUSTOMER_ID))))
                        .first());
        long dirtyCount = spark.read().parquet(s.output() + "/truth/dirty").count();
        long caseEventCount = readBack(spark, s, "case_events").count();
        long surveyCount = spark.read().parquet(s.output() + "/truth/surveys").count();
        long dirtySurveyCount = spark.read().parquet(s.output() + "/truth/dirty_surveys").count();
        surveys.unpersist();
        return new Result(
            s.output(),
            s.customers(),
            counts.getLong(0),
            dirtyCount,
            caseEventCount,
            counts.getLong(1),
            counts.getLong(2),
            s.planted().size(),
            surveyCount,
            dirtySurveyCount);
      } finally {
        flagged.unpersist();
      }
    } finally {
      touches.unpersist();
    }
  }

  /** Reads one raw export back (for counts and tests), all columns as text. */
  public static Dataset<Row> readBack(SparkSession spark, GenerateSettings s, String name) {
    String path = s.output() + "/" + name;
    return s.format() == GenerateSettings.Format.CSV
        ? spark.read().option("header", "true").csv(path)
        : spark.read().parquet(path);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Customers

  /** One row per customer: number, segment, region, product, whether a service account, and the episode count. */
  static Dataset<Row> customers(SparkSession spark, GenerateSettings s, Draws d) {
    Column id = col(CUSTOMER_ID);
    long accounts = Math.min(s.serviceAccounts(), s.customers() / 50);
    long stride = accounts == 0 ? 1 : s.customers() / accounts;
    Column serviceAccount =
        accounts == 0
            ? lit(false)
            : pmod(id, lit(stride)).equalTo(lit(stride / 2)).and(id.divide(stride).cast("long").lt(lit(accounts)));
    // Zipf-like (Pareto) number of episodes: most customers have 0 to 2 needs, a few have dozens.
    Column u = lit(1.0).minus(d.uniform("episodes", id));
    Column episodes = least(lit(MAX_EPISODES), floor(pow(u, -1.0 / 1.7).minus(1).multiply(2.6))).cast("int");
    return spark
        .range(s.customers())
        .withColumnRenamed("id", CUSTOMER_ID)
        .withColumn("customer_number", format_string("C%09d", id.plus(1)))
        .withColumn(SEGMENT, Draws.pick(d.uniform("segment", id), World.SEGMENTS, 82, 13, 5))
        .withColumn(REGION, Draws.pick(d.uniform("region", id), World.REGIONS, 30, 35, 15, 20))
        .withColumn(PRODUCT, Draws.pick(d.uniform("product", id), World.PRODUCTS, 30, 15, 30, 15, 10))
        .withColumn("planted_service_account", serviceAccount)
        .withColumn(VULNERABLE,
            when(not(serviceAccount).and(d.chance(lit(s.vulnerableShare()), "vulnerable", id)), lit("Y"))
                .otherwise(lit("N")))
        .withColumn(EXPERIMENT_ARM,
            when(not(serviceAccount).and(d.chance(lit(s.experiment().share()), "experiment", id)),
                Draws.pick(d.uniform("experiment_arm", id), List.of("A", "B"), 1, 1)))
        .withColumn("episodes", when(serviceAccount, lit(0)).otherwise(episodes));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Episodes and touches

  /**
   * One row per touch of every kept episode, placed in time: attributes, whether it failed, its timing relative to
   * the episode's first day, the episode's day, and the episode-level draws (outbound follow-up, case).
   */
  static Dataset<Row> touches(Dataset<Row> customers, GenerateSettings s, World w, Draws d) {
    Column id = col(CUSTOMER_ID);
    Column k = col(EPISODE);
    Column t = col(TOUCH);
    Column[] ek = {id, k};
    Column[] tk = {id, k, t};

    Dataset<Row> episodes =
        customers
            .where(col("episodes").gt(0))
            .withColumn(EPISODE, explode(sequence(lit(0), col("episodes").minus(1))))
            .withColumn(NEED_FAMILY, w.family(col(PRODUCT), d.uniform("family", ek)));
    // Touches 2..4 are drawn only for episodes whose first touch failed (most have one touch). Every window below
    // is per customer: one shuffle of the touches serves them all.
    Dataset<Row> firstTouches = withTouchAttributes(episodes.withColumn(TOUCH, lit(1)), s, w, d);
    // No filter on failed: the optimiser would push it below the projections and inline the whole failure
    // expression into it, beyond the JVM's 64 KB method limit for generated code. An empty array of later touches
    // for the episodes whose first touch worked drops them as well.
    List<Column> episodeColumns =
        new ArrayList<>(Stream.of(episodes.columns()).map(org.apache.spark.sql.functions::col).toList());
    episodeColumns.add(col("failed"));
    Column later =
        when(col("failed"), sequence(lit(2), lit(MAX_TOUCHES)))
            .otherwise(org.apache.spark.sql.functions.array().cast("array<int>"));
    Dataset<Row> laterTouches =
        withTouchAttributes(
            firstTouches
                .select(episodeColumns.toArray(Column[]::new))
                .withColumn(TOUCH, explode(later))
                .drop("failed"),
            s,
            w,
            d);
    Dataset<Row> touches = firstTouches.unionByName(laterTouches).repartition(col(CUSTOMER_ID));
    return placed(touches, s, d);
  }

  /** Adds the attributes of each touch: channel, flow, team, agent, reason, times, transfer, and whether it failed. */
  static Dataset<Row> withTouchAttributes(Dataset<Row> episodeTouches, GenerateSettings s, World w, Draws d) {
    Column id = col(CUSTOMER_ID);
    Column k = col(EPISODE);
    Column t = col(TOUCH);
    Column[] tk = {id, k, t};

    Column first = t.equalTo(1);
    // Channel: mobile customers use the bot more (a decoy for channel=bot), business customers email more;
    // customers coming back escalate to the phone.
    Column u = d.uniform("channel", tk);
    Column firstChannel =
        when(col(PRODUCT).equalTo("mobile"), Draws.pick(u, World.CHANNELS, 30, 14, 10, 10, 26, 5, 5))
            .when(col(SEGMENT).equalTo("business"), Draws.pick(u, World.CHANNELS, 34, 14, 24, 10, 8, 4, 6))
            .otherwise(Draws.pick(u, World.CHANNELS, 38, 15, 12, 12, 12, 6, 5));
    Column laterChannel = Draws.pick(u, World.CHANNELS, 55, 16, 10, 5, 7, 5, 2);
    Column channel = col(CHANNEL);
    Column human = channel.isin("phone", "chat", "email");
    Column site =
        when(d.chance(lit(HOME_SITE_SHARE), "home", tk), World.homeSite(col(REGION)))
            .otherwise(Draws.pick(d.uniform("site", tk), World.SITES, 1, 1, 1, 1));
    Column flow =
        when(channel.equalTo("phone").and(col(SEGMENT).equalTo("premium")), lit(World.IVR_PRIORITY))
            .when(channel.equalTo("phone"), Draws.pick(d.uniform("ivr", tk), World.IVR_FLOWS, 65, 35))
            .when(channel.equalTo("bot"), Draws.pick(d.uniform("bot", tk), World.BOT_FLOWS, 50, 50));
    Column team =
        when(human, concat(w.group(col(NEED_FAMILY)), lit("-"), site))
            .when(channel.equalTo("branch"), concat(lit("branch-"), col(REGION)))
            .when(channel.equalTo("web"), lit(World.WEB_TEAM))
            .when(channel.equalTo("letter"), lit(World.MAIL_TEAM));
    GenerateSettings.PlantedAutomation bot = s.automation();
    GenerateSettings.FastTeam fast = s.fastTeam();
    Column transferShare =
        when(channel.equalTo("phone"), 0.08).when(channel.equalTo("chat"), 0.06)
            .when(channel.equalTo("bot").and(col(AUTOMATION_FLOW).equalTo(bot.flow())), bot.handOffShare())
            .when(channel.equalTo("bot"), GenerateSettings.BOT_HAND_OFF_SHARE)
            .otherwise(0.0);
    // The planted guardrail truths: the fast team's shorter contacts, and the factors on a touch's failure chance
    // from the planted flow's hand-offs and from the fast team ending the touch (handling its last contact).
    Column lastTeam = when(col("transferred"), col("leg2_team")).otherwise(col(TEAM));
    Column guardrailMultiplier =
        when(col(AUTOMATION_FLOW).equalTo(bot.flow()).and(col("transferred")), bot.unsafeHandOffMultiplier())
            .otherwise(1.0)
            .multiply(when(coalesce(lastTeam.equalTo(fast.team()), lit(false)), fast.failureMultiplier())
                .otherwise(1.0));
    Column leg2Site =
        when(d.chance(lit(HOME_SITE_SHARE), "home2", tk), World.homeSite(col(REGION)))
            .otherwise(Draws.pick(d.uniform("site2", tk), World.SITES, 1, 1, 1, 1));

    // Stages of independent columns (withColumns analyses the plan once per stage, not once per column).
    return episodeTouches
            .withColumns(
                columns(
                    CHANNEL, when(first, firstChannel).otherwise(laterChannel),
                    "transfer_draw", d.uniform("transfer", tk),
                    "handoff_draw", d.uniform("handoff", tk),
                    "leg2_site", leg2Site,
                    "failure_reason", d.chance(when(first, 0.2).otherwise(0.8), "failure_reason", tk)))
            .withColumns(
                columns(
                    AUTOMATION_FLOW, flow,
                    TEAM, team,
                    REASON, w.reason(col(NEED_FAMILY), col("failure_reason"), d.uniform("reason", tk)),
                    "handle", fastTeam(handleSeconds(channel, d, "handle", tk), team, fast),
                    "wait", waitSeconds(channel, d, "wait", tk),
                    "leg2_channel",
                        when(channel.equalTo("bot"),
                                Draws.pick(col("handoff_draw"), List.of("chat", "phone"), 60, 40))
                            .otherwise(channel),
                    "leg2_team", concat(w.group(col(NEED_FAMILY)), lit("-"), col("leg2_site")),
                    "leg2_gap", lit(60).plus(floor(d.uniform("gap2", tk).multiply(540))).cast("long"),
                    "time_of_day", timeOfDay(channel, d, tk)))
            // The hand-off share depends on the flow: a stage of its own, so that the flow's draw is not computed
            // twice (inlined, it made the generated code of this stage exceed the JVM's 64 KB method limit).
            .withColumn("transferred", col("transfer_draw").lt(transferShare))
            // The planted A/B test: arm B's shorter handling, on every touch of its customers, whatever the channel (so
            // that no condition set of root-conditions travels with it): shorter contacts that fail more often.
            .withColumn(HANDLING_VARIANT, col(EXPERIMENT_ARM))
            .withColumn("handle", experimentHandle(col("handle"), s.experiment()))
            .withColumns(
                columns(
                    "agent", when(not(channel.isin("bot", "web")), World.agent(col(TEAM), d.uniform("agent", tk))),
                    "leg2_agent", World.agent(col("leg2_team"), d.uniform("agent2", tk)),
                    "leg2_handle",
                        fastTeam(handleSeconds(col("leg2_channel"), d, "handle2", tk), col("leg2_team"), fast),
                    "leg2_wait", waitSeconds(col("leg2_channel"), d, "wait2", tk),
                    "failed",
                        d.uniform("fail", tk)
                            .lt(least(lit(0.95), multiplier(s.planted()).multiply(s.baseFailureRate())
                                .multiply(when(col(VULNERABLE).equalTo("Y"), s.vulnerableFailureMultiplier())
                                    .otherwise(1.0))
                                .multiply(guardrailMultiplier)
                                .multiply(when(coalesce(col(HANDLING_VARIANT).equalTo("B"), lit(false)),
                                    s.experiment().failureMultiplier()).otherwise(1.0))))))
            .withColumn(
                "duration",
                col("handle")
                    .plus(when(col("transferred"), col("leg2_gap").plus(col("leg2_handle"))).otherwise(lit(0L))))
            .drop("transfer_draw", "handoff_draw", "leg2_site", "failure_reason");
  }

  /** Chains the touches of each episode, times them, and places the episodes of each customer and need. */
  static Dataset<Row> placed(Dataset<Row> touches, GenerateSettings s, Draws d) {
    Column id = col(CUSTOMER_ID);
    Column k = col(EPISODE);
    Column t = col(TOUCH);
    Column[] ek = {id, k};
    Column[] tk = {id, k, t};
    Column first = t.equalTo(1);

    // Chain length and timing within the episode: touch t+1 starts 1 h to 6 days after touch t, in its channel's
    // opening hours (whole days later, plus a day when the hour would come too soon).
    WindowSpec episode = Window.partitionBy(CUSTOMER_ID, NEED_FAMILY, EPISODE);
    WindowSpec inOrder = episode.orderBy(TOUCH);
    Column previousEnd = lag(col("time_of_day").plus(col("duration")), 1).over(inOrder);
    Column days = Draws.pickIndex(d.uniform("days", tk), 22, 30, 18, 12, 10, 8).cast("long");
    Column carry =
        greatest(
            lit(0L),
            ceil(previousEnd.plus(3600).minus(col("time_of_day")).minus(days.multiply(DAY)).divide((double) DAY))
                .cast("long"));
    Dataset<Row> chained =
        touches
            .withColumns(
                columns(
                    CHAINED_TOUCHES,
                        least(lit(MAX_TOUCHES),
                            coalesce(min(when(not(col("failed")), t)).over(episode), lit(MAX_TOUCHES))),
                    "day_step", when(first, lit(0L)).otherwise(days.plus(carry)),
                    "previous_transferred", lag(col("transferred"), 1).over(inOrder),
                    "legs_before",
                        coalesce(
                            sum(when(col("transferred"), 2).otherwise(1))
                                .over(inOrder.rowsBetween(Window.unboundedPreceding(), -1)),
                            lit(0L))))
            .where(t.leq(col(CHAINED_TOUCHES)))
            .withColumn("day_offset", sum(col("day_step")).over(inOrder))
            .withColumn("start_rel", col("day_offset").multiply(DAY).plus(col("time_of_day")));

    // Episode-level: the outbound follow-up, the case and the episode's end relative to its first day.
    Column hasCase =
        d.chance(
            coalesce(
                org.apache.spark.sql.functions.try_element_at(World.literalMap(caseShares()), col(NEED_FAMILY))
                    .cast("double"),
                lit(0.0)),
            "case",
            ek);
    Column outboundEnd = when(col("has_outbound"), col("out_start").plus(col("out_handle"))).otherwise(lit(0L));
    Dataset<Row> spans =
        chained
            .withColumns(
                columns(
                    "last_end", max(col("start_rel").plus(col("duration"))).over(episode),
                    "has_outbound", d.chance(lit(0.03), "outbound", ek),
                    "out_channel", Draws.pick(d.uniform("out_channel", ek), List.of("phone", "email"), 80, 20),
                    "has_case", hasCase))
            .withColumns(
                columns(
                    "out_start",
                        col("last_end").plus(3600).plus(floor(d.uniform("out_delay", ek).multiply(2 * DAY))).cast("long"),
                    "out_handle", handleSeconds(col("out_channel"), d, "out_handle", ek)))
            .withColumn(
                "case_end",
                greatest(col("last_end"), outboundEnd)
                    .plus(3600)
                    .plus(floor(d.uniform("case_tail", ek).multiply(4 * DAY)))
                    .cast("long"))
            .withColumn(
                "episode_end",
                greatest(col("last_end"), outboundEnd, when(col("has_case"), col("case_end")).otherwise(lit(0L))))
            .withColumn("span_days", floor(col("episode_end").divide((double) DAY)).plus(EPISODE_SPACING_DAYS + 1));

    // Placement: the episodes of one customer and need follow each other, each starting at least the previous one's
    // span later, spread over the period; those that would end after the period or fall on a thinned weekday go.
    WindowSpec need = Window.partitionBy(CUSTOMER_ID, NEED_FAMILY);
    WindowSpec earlier = need.orderBy(EPISODE).rangeBetween(Window.unboundedPreceding(), -1);
    Column firstRow = t.equalTo(1);
    Column stride = lit((double) s.days()).divide(sum(when(firstRow, 1)).over(need));
    Column slack = greatest(lit(0.0), stride.minus(EPISODE_SPACING_DAYS + 2));
    Column gap = floor(d.uniform("gap", ek).multiply(slack).multiply(2)).cast("long");
    Dataset<Row> placed =
        spans
            .withColumn("gap_days", gap)
            .withColumn(
                "first_day",
                floor(d.uniform("first_day", id, col(NEED_FAMILY)).multiply(stride)).cast("long")
                    .plus(coalesce(sum(when(firstRow, col("span_days").plus(col("gap_days")))).over(earlier), lit(0L))))
            .where(col("first_day").multiply(DAY).plus(col("episode_end")).lt(lit(s.days() * DAY)))
            .where(d.uniform("weekday", ek).lt(weekdayKeep(s, col("first_day"))));
    return placed;
  }

  /** An ordered name-to-column map from alternating names and columns. */
  static java.util.Map<String, Column> columns(Object... namesAndColumns) {
    java.util.Map<String, Column> out = new java.util.LinkedHashMap<>();
    for (int i = 0; i < namesAndColumns.length; i += 2) {
      out.put((String) namesAndColumns[i], (Column) namesAndColumns[i + 1]);
    }
    return out;
  }

  /** Channel handle times: log-normal around a median (phone 6 min, chat 10, email 5, bot 2, branch 15...). */
  static Column handleSeconds(Column channel, Draws d, String salt, Column... keys) {
    Column median =
        when(channel.equalTo("phone"), 360.0)
            .when(channel.equalTo("chat"), 600.0)
            .when(channel.equalTo("email"), 300.0)
            .when(channel.equalTo("web"), 240.0)
            .when(channel.equalTo("bot"), 120.0)
            .when(channel.equalTo("branch"), 900.0)
            .otherwise(420.0);
    return d.logNormalSeconds(median, 0.55, 20, 7200, salt, keys);
  }

  /** The handle time of a contact of the planted fast team, times its handle multiplier (at least 1 s). */
  static Column fastTeam(Column handle, Column team, GenerateSettings.FastTeam fast) {
    Column shorter = org.apache.spark.sql.functions.round(handle.multiply(fast.handleMultiplier())).cast("long");
    return when(coalesce(team.equalTo(fast.team()), lit(false)), greatest(lit(1L), shorter)).otherwise(handle);
  }

  /** The handle time of a touch in arm B of the planted A/B test, times its handle multiplier (at least 1 s). */
  static Column experimentHandle(Column handle, GenerateSettings.PlantedExperiment experiment) {
    Column shorter = org.apache.spark.sql.functions.round(handle.multiply(experiment.handleMultiplier())).cast("long");
    return when(coalesce(col(HANDLING_VARIANT).equalTo("B"), lit(false)), greatest(lit(1L), shorter)).otherwise(handle);
  }

  /** Queue waits: phone and chat queue, branches have a waiting room, the bot answers at once, async has none. */
  static Column waitSeconds(Column channel, Draws d, String salt, Column... keys) {
    Column mean =
        when(channel.equalTo("phone"), 95.0).when(channel.equalTo("chat"), 45.0).when(channel.equalTo("branch"), 420.0);
    return when(channel.equalTo("bot"), lit(0L))
        .when(mean.isNotNull(), d.exponentialSeconds(mean, salt, keys));
  }

  /** Seconds after midnight, from the channel's hourly profile. */
  static Column timeOfDay(Column channel, Draws d, Column... keys) {
    Column thresholds = null;
    for (String c : List.of("phone", "chat", "branch", "letter", "email")) {
      Column th = Draws.table(World.hourProfile(c));
      thresholds = thresholds == null ? when(channel.equalTo(c), th) : thresholds.when(channel.equalTo(c), th);
    }
    thresholds = thresholds.otherwise(Draws.table(World.hourProfile("web")));
    Column hour = Draws.pickIndex(d.uniform("hour", keys), thresholds);
    return hour.cast("long").multiply(3600).plus(floor(d.uniform("second", keys).multiply(3600)).cast("long"));
  }

  /** The chance that an episode starting on this day is kept: fewer needs reach the company at weekends. */
  static Column weekdayKeep(GenerateSettings s, Column dayIndex) {
    int first = s.startDate().getDayOfWeek().getValue() - 1; // Monday = 0
    double[] keep = {1.0, 0.95, 0.92, 0.9, 0.85, 0.5, 0.35};
    Column dow = pmod(dayIndex.plus(first), lit(7L));
    Column out = lit(keep[6]);
    for (int i = 5; i >= 0; i--) {
      out = when(dow.equalTo(i), keep[i]).otherwise(out);
    }
    return out;
  }

  /** The product of the multipliers of the planted sets a touch meets. */
  static Column multiplier(List<PlantedSet> planted) {
    Column m = lit(1.0);
    for (PlantedSet set : planted) {
      Column meets = lit(true);
      for (int i = 0; i < set.conditions().size(); i++) {
        meets = meets.and(coalesce(col(set.attribute(i)).equalTo(set.value(i)), lit(false)));
      }
      m = m.multiply(when(meets, set.failureMultiplier()).otherwise(1.0));
    }
    return m;
  }

  private static java.util.Map<String, String> caseShares() {
    java.util.Map<String, String> m = new java.util.TreeMap<>();
    World.CASE_SHARE.forEach((k, v) -> m.put(k, String.valueOf(v)));
    return m;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Contacts

  /**
   * One row per clean contact, with the raw columns (still typed: epoch seconds) and the structural truth: legs 1
   * (the touch), 2 (its transfer) and 3 (an outbound follow-up after the last touch), plus service-account traffic.
   */
  static Dataset<Row> contacts(
      Dataset<Row> touches, Dataset<Row> customers, GenerateSettings s, World w, Draws d) {
    long epoch0 = s.startDate().atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    Column id = col(CUSTOMER_ID);
    Column k = col(EPISODE);
    Column t = col(TOUCH);
    Column leg = col(LEG);
    Column lastTouch = t.equalTo(col(CHAINED_TOUCHES));
    Column legs =
        when(col("transferred"), array(lit(1), lit(2))).otherwise(array(lit(1)));
    legs =
        when(lastTouch.and(col("has_outbound")), org.apache.spark.sql.functions.concat(legs, array(lit(3))))
            .otherwise(legs);
    Column dayStart = lit(epoch0).plus(col("first_day").multiply(DAY));
    Column leg1Start = dayStart.plus(col("start_rel"));
    Column leg2Start = leg1Start.plus(col("handle")).plus(col("leg2_gap"));
    Column start =
        when(leg.equalTo(1), leg1Start).when(leg.equalTo(2), leg2Start).otherwise(dayStart.plus(col("out_start")));
    Column handle =
        when(leg.equalTo(1), col("handle")).when(leg.equalTo(2), col("leg2_handle")).otherwise(col("out_handle"));
    Column failedTouch = t.lt(col(CHAINED_TOUCHES));
    Column[] tk = {id, k, t};
    Column touchOutcome =
        when(
                failedTouch,
                Draws.pick(
                    d.uniform("outcome", tk),
                    List.of("resolved", "information_given", "not_resolved", "callback_scheduled"),
                    45, 25, 20, 10))
            .otherwise(
                Draws.pick(
                    d.uniform("outcome", tk),
                    List.of("resolved", "information_given", "callback_scheduled", "not_resolved"),
                    72, 22, 3, 3));
    Column disposition =
        when(leg.equalTo(1).and(col("transferred")), lit("transferred"))
            .when(leg.equalTo(3), Draws.pick(d.uniform("out_outcome", id, k), List.of("resolved", "information_given"), 60, 40))
            .otherwise(touchOutcome);
    Column key = id.multiply(1024L).plus(k.multiply(16)).plus(t.minus(1).multiply(4)).plus(leg);
    Column priorKey =
        id.multiply(1024L).plus(k.multiply(16)).plus(t.minus(2).multiply(4))
            .plus(when(col("previous_transferred"), 2).otherwise(1));
    Column chainKey = id.multiply(1024L).plus(k.multiply(16)).plus(1);
    Column inChain = col(CHAINED_TOUCHES).geq(2).and(leg.notEqual(3));
    Column recontact = t.geq(2).and(leg.equalTo(1));

    Dataset<Row> episodeContacts =
        touches
            .withColumn(LEG, explode(legs))
            .select(
                id,
                col("customer_number"),
                col(NEED_FAMILY),
                col(PRODUCT),
                col(SEGMENT),
                col(REGION),
                col(VULNERABLE),
                key.as("ref_key"),
                when(leg.equalTo(1), col(CHANNEL)).when(leg.equalTo(2), col("leg2_channel")).otherwise(col("out_channel"))
                    .as(CHANNEL),
                when(leg.equalTo(3), lit("outbound")).otherwise(lit("inbound")).as("direction"),
                start.as("start_epoch"),
                start.plus(handle).as("end_epoch"),
                when(leg.equalTo(1), col("wait")).when(leg.equalTo(2), col("leg2_wait"))
                    .when(col("out_channel").equalTo("phone"), lit(0L)).as("wait_sec"),
                col(REASON),
                disposition.as("disposition"),
                when(leg.equalTo(1), col(TEAM)).otherwise(col("leg2_team")).as(TEAM),
                when(leg.equalTo(1), col("agent")).otherwise(col("leg2_agent")).as("agent"),
                when(col("has_case"), d.reference("CS", id.multiply(64L).plus(k))).as("case_ref"),
                when(leg.equalTo(1), col(AUTOMATION_FLOW)).as(AUTOMATION_FLOW),
                col(EXPERIMENT_ARM).as(HANDLING_VARIANT),
                recontact.as("truth_recontact"),
                when(recontact, d.reference("CT", priorKey)).as("truth_prior"),
                when(inChain, d.reference("CT", chainKey)).as("truth_chain"),
                when(inChain, col("legs_before").plus(leg)).cast("int").as("truth_position"),
                d.reference("JR", id.multiply(1024L).plus(k)).as("truth_journey"));

    return episodeContacts.unionByName(serviceAccountContacts(customers, s, w, d, epoch0));
  }

  /**
   * Contacts of the planted service accounts (brokers, agencies): on a few busy days, 21 to 35 phone or email
   * contacts each, about any need. Busy days are 16 or more days apart.
   */
  static Dataset<Row> serviceAccountContacts(
      Dataset<Row> customers, GenerateSettings s, World w, Draws d, long epoch0) {
    Column id = col(CUSTOMER_ID);
    Column b = col("busy_day");
    Column c = col("busy_contact");
    Column[] keys = {id, b, c};
    int busyDays = Math.min(6, s.days() / 20);
    Column dayIndex = b.multiply(20).plus(floor(d.uniform("busy_offset", id, b).multiply(4))).cast("long");
    Column channel = Draws.pick(d.uniform("sa_channel", keys), List.of("phone", "email"), 70, 30);
    Column site =
        when(d.chance(lit(HOME_SITE_SHARE), "sa_home", keys), World.homeSite(col(REGION)))
            .otherwise(Draws.pick(d.uniform("sa_site", keys), World.SITES, 1, 1, 1, 1));
    Column handle = handleSeconds(col(CHANNEL), d, "sa_handle", keys);
    return customers
        .where(col("planted_service_account"))
        .withColumn("busy_day", explode(sequence(lit(0), lit(busyDays - 1))))
        .withColumn(
            "busy_contact",
            explode(sequence(lit(0), lit(20).plus(floor(d.uniform("busy_count", id, b).multiply(15))).cast("int"))))
        .withColumn(NEED_FAMILY, w.family(col(PRODUCT), d.uniform("sa_family", keys)))
        .withColumn(CHANNEL, channel)
        .withColumn(TEAM, concat(w.group(col(NEED_FAMILY)), lit("-"), site))
        .withColumn("start_epoch", lit(epoch0).plus(dayIndex.multiply(DAY)).plus(timeOfDay(col(CHANNEL), d, keys)))
        .select(
            id,
            col("customer_number"),
            col(NEED_FAMILY),
            col(PRODUCT),
            col(SEGMENT),
            col(REGION),
            col(VULNERABLE),
            id.multiply(1024L).plus(b.multiply(64)).plus(c).as("ref_key"),
            col(CHANNEL),
            lit("inbound").as("direction"),
            col("start_epoch"),
            col("start_epoch").plus(handle).as("end_epoch"),
            when(col(CHANNEL).equalTo("phone"), d.exponentialSeconds(lit(60.0), "sa_wait", keys)).as("wait_sec"),
            w.reason(col(NEED_FAMILY), lit(false), d.uniform("sa_reason", keys)).as(REASON),
            Draws.pick(d.uniform("sa_outcome", keys), List.of("resolved", "information_given"), 70, 30)
                .as("disposition"),
            col(TEAM),
            World.agent(col(TEAM), d.uniform("sa_agent", keys)).as("agent"),
            lit(null).cast(DataTypes.StringType).as("case_ref"),
            when(col(CHANNEL).equalTo("phone"), lit("ivr_main_v4")).as(AUTOMATION_FLOW),
            lit(null).cast(DataTypes.StringType).as(HANDLING_VARIANT),
            lit(false).as("truth_recontact"),
            lit(null).cast(DataTypes.StringType).as("truth_prior"),
            lit(null).cast(DataTypes.StringType).as("truth_chain"),
            lit(null).cast(DataTypes.IntegerType).as("truth_position"),
            d.reference("JR", id.multiply(1024L).plus(64).plus(b.multiply(32)).plus(w.familyIndex(col(NEED_FAMILY))))
                .as("truth_journey"));
  }

  /** Customers with more than 20 contacts on some UTC day: the service accounts the failure-demand job excludes. */
  static Dataset<Row> serviceAccounts(Dataset<Row> contacts) {
    return contacts
        .groupBy(col(CUSTOMER_ID), floor(col("start_epoch").divide((double) DAY)).as("day"))
        .agg(count(lit(1)).as("n"))
        .where(col("n").gt(20))
        .select(col(CUSTOMER_ID).as("sa_customer_id"))
        .distinct();
  }

  /** The raw export columns of contacts, in file order. */
  static Column[] rawContactColumns(GenerateSettings s) {
    return new Column[] {
      col("contact_ref"),
      col("customer_number"),
      col("channel_name"),
      col("direction"),
      col("start_time"),
      col("end_time"),
      col("wait_sec"),
      col("reason_code"),
      col("disposition"),
      col("team_name"),
      col("agent_id"),
      col("case_ref"),
      col("bot_flow"),
      col(PRODUCT),
      col(SEGMENT),
      col(REGION),
      col(VULNERABLE),
      col(HANDLING_VARIANT)
    };
  }

  private static Column timestampText(Column epochSeconds) {
    return date_format(timestamp_seconds(epochSeconds), "yyyy-MM-dd HH:mm:ss");
  }

  /** Adds the raw columns (text timestamps, capitalised channels, references) to typed contact rows. */
  static Dataset<Row> withRawColumns(Dataset<Row> contacts, Draws d) {
    return contacts
        .withColumn("contact_ref", d.reference("CT", col("ref_key")))
        .withColumn("channel_name", initcap(col(CHANNEL)))
        .withColumn("start_time", timestampText(col("start_epoch")))
        .withColumn("end_time", timestampText(col("end_epoch")))
        .withColumn("reason_code", col(REASON))
        .withColumn("team_name", col(TEAM))
        .withColumn("agent_id", col("agent"))
        .withColumn("bot_flow", col(AUTOMATION_FLOW));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Dirty rows, case events, truth

  /**
   * Extra dirty rows, about {@code dirtyRate} per clean contact, each made from a copy of a clean contact: an exact
   * duplicate, or a new row (new contact_ref) with no id, no customer, a bad timestamp or an end before its start.
   */
  static Dataset<Row> dirtyRows(Dataset<Row> clean, GenerateSettings s, Draws d) {
    Column key = col("ref_key");
    Column kind = Draws.pick(d.uniform("dirty_kind", key), DIRTY_KINDS, 35, 15, 15, 20, 15);
    Column newRef = d.reference("CT", lit(1L << 47).plus(key));
    Column badTime =
        Draws.pick(d.uniform("bad_time", key), List.of("31/02/2026 25:61", "#VALUE!", "N/A"), 1, 1, 1);
    Dataset<Row> rows = clean.where(d.uniform("dirty", key).lt(s.dirtyRate())).withColumn("kind", kind);
    Column k = col("kind");
    return rows.withColumn(
            "contact_ref",
            when(k.equalTo("DUPLICATE_EXACT"), col("contact_ref")).when(k.equalTo("MISSING_ID"), lit(null)).otherwise(newRef))
        .withColumn("customer_number", when(k.equalTo("MISSING_CUSTOMER"), lit(null)).otherwise(col("customer_number")))
        .withColumn("start_time", when(k.equalTo("BAD_TIMESTAMP"), badTime).otherwise(col("start_time")))
        .withColumn(
            "end_time",
            when(
                    k.equalTo("ENDED_BEFORE_STARTED"),
                    timestampText(col("start_epoch").minus(lit(60L).plus(floor(d.uniform("ebs", key).multiply(3600))))))
                .otherwise(col("end_time")));
  }

  /**
   * Back-office case events of the episodes with a case: received, assessed, (waiting_for_customer), decided and
   * closed, each with a start and a complete event, inside the episode's span.
   */
  static Dataset<Row> caseEvents(Dataset<Row> touches, GenerateSettings s, World w, Draws d) {
    long epoch0 = s.startDate().atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    Column id = col(CUSTOMER_ID);
    Column k = col(EPISODE);
    Column[] ek = {id, k};
    List<Column> withWaiting = new ArrayList<>();
    List<Column> without = new ArrayList<>();
    for (String a : World.CASE_ACTIVITIES) {
      withWaiting.add(lit(a));
      if (!a.equals("waiting_for_customer")) {
        without.add(lit(a));
      }
    }
    Column activities =
        when(d.chance(lit(0.4), "waiting", ek), array(withWaiting.toArray(Column[]::new)))
            .otherwise(array(without.toArray(Column[]::new)));
    Column dayStart = lit(epoch0).plus(col("first_day").multiply(DAY));
    Column caseStart = dayStart.plus(col("start_rel")).plus(col("handle")).plus(60);
    Column caseEnd = dayStart.plus(col("case_end"));
    Column i = col("activity_index");
    Column[] ak = {id, k, i};
    Column slot = caseEnd.minus(caseStart).divide(col("activity_count"));
    Column activityStart = caseStart.plus(slot.multiply(i.plus(d.uniform("act_start", ak).multiply(0.1))));
    Column activityEnd = activityStart.plus(slot.multiply(lit(0.3).plus(d.uniform("act_len", ak).multiply(0.5))));
    Column complete = col("lifecycle_index").equalTo(1);
    Column team =
        org.apache.spark.sql.functions.try_element_at(World.literalMap(World.CASE_TEAM), col(NEED_FAMILY));
    Column resource =
        when(col("activity").equalTo("received"), lit("intake-system"))
            .otherwise(
                format_string(
                    "U%04d",
                    w.familyIndex(col(NEED_FAMILY)).multiply(100).plus(floor(d.uniform("resource", ak).multiply(12)))));
    return touches
        .where(col(TOUCH).equalTo(1).and(col("has_case")))
        .withColumn("activity_list", activities)
        .withColumn("activity_count", org.apache.spark.sql.functions.size(col("activity_list")))
        .select(col("*"), posexplode(col("activity_list")).as(new String[] {"activity_index", "activity"}))
        .select(col("*"), posexplode(array(lit("start"), lit("complete"))).as(new String[] {"lifecycle_index", "lifecycle"}))
        .select(
            d.reference("EV", id.multiply(1024L).plus(k.multiply(16)).plus(i.multiply(2)).plus(col("lifecycle_index")))
                .as("event_ref"),
            d.reference("CS", id.multiply(64L).plus(k)).as("case_ref"),
            col("customer_number"),
            col("activity"),
            timestampText(when(complete, activityEnd).otherwise(activityStart).cast("long")).as("event_time"),
            col("lifecycle"),
            resource.as("resource"),
            team.as("team_name"));
  }

  /** The truth of each clean contact: planted recontact, prior, chain, journey and service-account flags. */
  static Dataset<Row> truth(Dataset<Row> flagged) {
    Column sa = col("service_account");
    return flagged
        .select(
            col("contact_ref"),
            col("truth_recontact").and(not(sa)).as("planted_recontact"),
            when(not(sa), col("truth_prior")).as("planted_prior_contact_ref"),
            when(not(sa), col("truth_chain")).as("planted_chain_id"),
            when(not(sa), col("truth_position")).as("planted_chain_position"),
            col("truth_journey").as("planted_journey_id"),
            sa.as("service_account"),
            col(NEED_FAMILY),
            col(VULNERABLE));
  }

  /** The planted condition sets as a small table. */
  static Dataset<Row> plantedConditions(SparkSession spark, List<PlantedSet> planted) {
    StructType schema =
        new StructType()
            .add("set_name", DataTypes.StringType, false)
            .add("conditions", DataTypes.createArrayType(DataTypes.StringType, false), false)
            .add("failure_multiplier", DataTypes.DoubleType, false);
    List<Row> rows = new ArrayList<>();
    for (PlantedSet p : planted) {
      rows.add(RowFactory.create(p.name(), p.conditions().toArray(new String[0]), p.failureMultiplier()));
    }
    return spark.createDataFrame(rows, schema);
  }

  /**
   * The decoys of the planted sets: conditions with no effect of their own that travel with a planted condition, so
   * that a miner which reports them has mistaken correlation for cause. A team at a site has the region whose home
   * site it is (70% of a region's human touches go there); the bot has product=mobile (mobile customers use it twice
   * as often).
   */
  static Dataset<Row> decoyConditions(SparkSession spark, List<PlantedSet> planted) {
    StructType schema =
        new StructType()
            .add("decoy", DataTypes.StringType, false)
            .add("correlated_with", DataTypes.StringType, false)
            .add("set_name", DataTypes.StringType, false);
    List<Row> rows = new ArrayList<>();
    for (PlantedSet p : planted) {
      for (int i = 0; i < p.conditions().size(); i++) {
        String attribute = p.attribute(i);
        String value = p.value(i);
        if (attribute.equals(TEAM)) {
          for (int r = 0; r < World.REGIONS.size(); r++) {
            if (value.endsWith("-" + World.SITES.get(r)) && !value.startsWith("branch-")) {
              rows.add(RowFactory.create(REGION + "=" + World.REGIONS.get(r), p.conditions().get(i), p.name()));
            }
          }
        } else if (attribute.equals(CHANNEL) && value.equals("bot")) {
          rows.add(RowFactory.create(PRODUCT + "=mobile", p.conditions().get(i), p.name()));
        }
      }
    }
    return spark.createDataFrame(rows, schema);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Surveys

  /**
   * One survey for a share of the need episodes (generate.surveys.share), with the raw survey columns and its truth:
   * answered 1 to 3 days after the end of the episode's last touch, naming that touch's last inbound contact (its
   * transfer when it was transferred) and the episode's case; NPS = clamp(round(base + per-repeat * repeats +
   * per-day * lead time in days + noise), 0, 10) with repeats = touches - 1 and the lead time from the first contact's
   * start to the episode's end (last contact, outbound follow-up or case event), as journeys measures it. CSAT (1-5)
   * follows the unrounded NPS with noise of its own; the two SERVQUAL scores (half the surveys) follow the CSAT.
   */
  static Dataset<Row> surveys(Dataset<Row> touches, GenerateSettings s, Draws d) {
    GenerateSettings.PlantedSurveys p = s.surveys();
    long epoch0 = s.startDate().atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    Column id = col(CUSTOMER_ID);
    Column k = col(EPISODE);
    Column t = col(TOUCH);
    Column[] ek = {id, k};
    WindowSpec episode = Window.partitionBy(CUSTOMER_ID, NEED_FAMILY, EPISODE);
    Column dayStart = lit(epoch0).plus(col("first_day").multiply(DAY));
    Column lastLeg = when(col("transferred"), lit(2)).otherwise(lit(1));
    Column contactKey = id.multiply(1024L).plus(k.multiply(16)).plus(t.minus(1).multiply(4)).plus(lastLeg);
    Column answered =
        dayStart.plus(col("start_rel")).plus(col("duration")).plus(DAY)
            .plus(floor(d.uniform("survey_delay", ek).multiply(2 * DAY))).cast("long");
    Column latent =
        lit(p.npsBase())
            .plus(col("planted_repeats").multiply(p.npsPerRepeat()))
            .plus(col("planted_lead_time_days").multiply(p.npsPerLeadTimeDay()));
    Column noisy = col("planted_nps_expected").plus(d.normal("survey_nps", ek).multiply(p.npsNoiseSd()));
    Column csat = clampedRound(lit(1.0).plus(col("nps_latent").multiply(0.4)).plus(d.normal("survey_csat", ek)
        .multiply(0.5)), 1, 5);
    Column servqual = d.chance(lit(0.5), "survey_servqual", ek);
    return touches
        .withColumn("episode_start", min(col("start_rel")).over(episode))
        .where(t.equalTo(col(CHAINED_TOUCHES)).and(d.chance(lit(p.share()), "survey", ek)))
        .withColumn("planted_repeats", col(CHAINED_TOUCHES).minus(1).cast("int"))
        .withColumn("planted_lead_time_days", col("episode_end").minus(col("episode_start")).divide((double) DAY))
        .withColumn("planted_nps_expected", latent)
        .withColumn("nps_latent", noisy)
        .withColumn("csat_value", csat)
        .select(
            id,
            col(EPISODE),
            d.reference("SV", id.multiply(64L).plus(k)).as("survey_ref"),
            col("customer_number"),
            d.reference("CT", contactKey).as("contact_ref"),
            when(col("has_case"), d.reference("CS", id.multiply(64L).plus(k))).as("case_ref"),
            timestampText(answered).as("answered_time"),
            clampedRound(col("nps_latent"), 0, 10).cast("string").as("nps_score"),
            col("csat_value").cast("string").as("csat_score"),
            when(servqual, clampedRound(col("csat_value").plus(d.normal("survey_reliability", ek).multiply(0.7)), 1, 5)
                .cast("string")).as("servqual_reliability"),
            when(servqual, clampedRound(col("csat_value").minus(col("planted_lead_time_days").multiply(0.05))
                .plus(d.normal("survey_responsiveness", ek).multiply(0.7)), 1, 5).cast("string"))
                .as("servqual_responsiveness"),
            col("planted_repeats"),
            col("planted_lead_time_days"),
            d.reference("JR", id.multiply(1024L).plus(k)).as("planted_journey_id"),
            col("planted_nps_expected"));
  }

  /** round(x) clamped to [low, high], as an int. */
  private static Column clampedRound(Column x, int low, int high) {
    return least(lit(high), greatest(lit(low), org.apache.spark.sql.functions.round(x).cast("int")));
  }

  /**
   * Extra dirty survey rows, about generate.surveys.dirty-share per clean survey, each a copy of a clean one under a new
   * survey_ref: NPS 11 (NPS_OUT_OF_RANGE), or neither contact nor case (NO_CONTACT_OR_CASE).
   */
  static Dataset<Row> dirtySurveys(Dataset<Row> surveys, GenerateSettings s, Draws d) {
    Column[] ek = {col(CUSTOMER_ID), col(EPISODE)};
    Column kind = Draws.pick(d.uniform("survey_dirty_kind", ek), DIRTY_SURVEY_KINDS, 1, 1);
    Column k = col("kind");
    return surveys
        .where(d.uniform("survey_dirty", ek).lt(s.surveys().dirtyShare()))
        .withColumn("kind", kind)
        .withColumn("survey_ref",
            d.reference("SV", lit(1L << 47).plus(col(CUSTOMER_ID).multiply(64L)).plus(col(EPISODE))))
        .withColumn("nps_score", when(k.equalTo("NPS_OUT_OF_RANGE"), lit("11")).otherwise(col("nps_score")))
        .withColumn("contact_ref", when(k.equalTo("NO_CONTACT_OR_CASE"), lit(null)).otherwise(col("contact_ref")))
        .withColumn("case_ref", when(k.equalTo("NO_CONTACT_OR_CASE"), lit(null)).otherwise(col("case_ref")));
  }

  private static Column[] surveyColumns() {
    return SURVEY_COLUMNS.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
  }

  /** The planted survey effects as a one-row table (truth/planted_surveys). */
  static Dataset<Row> plantedSurveys(SparkSession spark, GenerateSettings.PlantedSurveys p) {
    StructType schema =
        new StructType()
            .add("share", DataTypes.DoubleType, false)
            .add("nps_base", DataTypes.DoubleType, false)
            .add("nps_per_repeat", DataTypes.DoubleType, false)
            .add("nps_per_lead_time_day", DataTypes.DoubleType, false)
            .add("nps_noise_sd", DataTypes.DoubleType, false)
            .add("dirty_share", DataTypes.DoubleType, false);
    return spark.createDataFrame(
        List.of(RowFactory.create(p.share(), p.npsBase(), p.npsPerRepeat(), p.npsPerLeadTimeDay(), p.npsNoiseSd(),
            p.dirtyShare())),
        schema);
  }

  /**
   * The CRM's list of customers in vulnerable circumstances (customer_number, listed_on): every customer flagged
   * vulnerable, with or without contacts, listed on a day of the year before the data starts. The same customers as
   * the flag on their contacts, for loading through a customer_lists mapping.
   */
  static Dataset<Row> vulnerableList(Dataset<Row> customers, GenerateSettings s, Draws d) {
    Column daysBefore = floor(d.uniform("listed", col(CUSTOMER_ID)).multiply(365)).cast("int");
    return customers.where(col(VULNERABLE).equalTo("Y"))
        .select(col("customer_number"),
            org.apache.spark.sql.functions.date_format(
                org.apache.spark.sql.functions.date_sub(lit(java.sql.Date.valueOf(s.startDate())), daysBefore),
                "yyyy-MM-dd").as("listed_on"));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Validation and output

  /** Rejects a planted flow or fast team that never occurs (a typo would silently plant nothing). */
  static void validateGuardrailTruths(World world, GenerateSettings s) {
    if (!World.BOT_FLOWS.contains(s.automation().flow())) {
      throw new SettingsException("generate.automation.flow is '" + s.automation().flow()
          + "': it must be one of the bot flows " + World.BOT_FLOWS + " (the other one is its control).");
    }
    List<String> humanTeams = world.teams().stream().filter(t -> World.GROUPS.stream().anyMatch(
        g -> t.startsWith(g + "-"))).toList();
    if (!humanTeams.contains(s.fastTeam().team())) {
      throw new SettingsException("generate.fast-team.team is '" + s.fastTeam().team()
          + "': it must be a skill group at a site, one of " + humanTeams + ".");
    }
  }

  /** Rejects planted conditions on unknown values (typos would silently plant nothing). */
  static void validatePlanted(World world, List<PlantedSet> planted) {
    for (PlantedSet p : planted) {
      for (int i = 0; i < p.conditions().size(); i++) {
        List<String> domain = world.domain(p.attribute(i));
        if (!domain.contains(p.value(i))) {
          throw new SettingsException(
              "generate.planted-conditions."
                  + p.name()
                  + ": "
                  + p.attribute(i)
                  + "="
                  + p.value(i)
                  + " never occurs in the synthetic data. Use one of "
                  + domain
                  + ".");
        }
      }
    }
  }

  /**
   * Rows spread over a fixed number of files by a hash of {@code bucketColumn} and sorted inside each file by
   * {@code firstOrder}, then every column: the same files whatever the partitioning of the computation.
   */
  static Dataset<Row> sorted(Dataset<Row> rows, int files, String bucketColumn, String firstOrder) {
    String[] names = rows.columns();
    Column[] order = new Column[names.length + 1];
    order[0] = col(firstOrder).asc_nulls_first();
    for (int i = 0; i < names.length; i++) {
      order[i + 1] = col(names[i]).asc_nulls_first();
    }
    Column bucket = pmod(xxhash64(coalesce(col(bucketColumn), lit(""))), lit((long) files));
    return rows.repartition(files, bucket).sortWithinPartitions(order);
  }

  private static void write(Dataset<Row> rows, GenerateSettings s, String name) {
    String path = s.output() + "/" + name;
    if (s.format() == GenerateSettings.Format.CSV) {
      rows.write()
          .mode(SaveMode.Overwrite)
          .option("header", "true")
          .option("encoding", "UTF-8")
          .option("emptyValue", "")
          .csv(path);
      stableFileNames(rows.sparkSession(), path);
    } else {
      writeParquet(rows, path);
    }
  }

  private static void writeParquet(Dataset<Row> rows, String path) {
    rows.write().mode(SaveMode.Overwrite).parquet(path);
    stableFileNames(rows.sparkSession(), path);
  }

  /**
   * Renames Spark's part files (part-00000-<random uuid>-c000.csv) to part-00000.csv: ingest records the file name
   * of every row, so the same data must land in the same file names for a rerun to give identical tables.
   */
  static void stableFileNames(SparkSession spark, String path) {
    try {
      org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(path);
      FileSystem fs = dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
      for (FileStatus f : fs.listStatus(dir)) {
        String name = f.getPath().getName();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(part-\\d+)-.*?((\\.[a-z]+)+)$").matcher(name);
        if (m.matches()) {
          String stable = m.group(1) + m.group(2).replace(".c000", "");
          fs.rename(f.getPath(), new org.apache.hadoop.fs.Path(dir, stable));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot rename the part files under " + path + ": " + e.getMessage(), e);
    }
  }

  /** Empties the output folder, refusing one that holds files leancx did not write, and marks it as ours. */
  static void prepareOutput(SparkSession spark, String output) {
    try {
      org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(output);
      FileSystem fs = dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (fs.exists(dir)) {
        FileStatus[] children = fs.listStatus(dir);
        if (children.length > 0 && !fs.exists(new org.apache.hadoop.fs.Path(dir, MARKER))) {
          throw new IllegalStateException(
              "generate.output "
                  + output
                  + " is not empty and was not written by leancx generate (no "
                  + MARKER
                  + " file): point generate.output at an empty or new folder.");
        }
        fs.delete(dir, true);
      }
      fs.mkdirs(dir);
      fs.create(new org.apache.hadoop.fs.Path(dir, MARKER), true).close();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot prepare the output folder " + output + ": " + e.getMessage(), e);
    }
  }
}
