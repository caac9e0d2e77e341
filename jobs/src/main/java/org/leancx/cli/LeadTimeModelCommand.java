package org.leancx.cli;

import java.util.concurrent.Callable;
import org.leancx.leadtime.BenchmarkDataset;
import org.leancx.leadtime.LeadTimeEvaluation;
import org.leancx.leadtime.LeadTimeForecast;
import org.leancx.leadtime.LeadTimeSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Trains, applies and evaluates the remaining lead-time model. */
@Command(
    name = "lead-time-model",
    mixinStandardHelpOptions = true,
    description = "Remaining lead-time prediction: train on journeys, predict open journeys, evaluate on public logs.",
    subcommands = {
      LeadTimeModelCommand.Train.class,
      LeadTimeModelCommand.Predict.class,
      LeadTimeModelCommand.Evaluate.class
    })
final class LeadTimeModelCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: train, predict or evaluate.");
  }

  /** {@code leancx lead-time-model train}. */
  @Command(name = "train",
      description = "Fit the baseline, GBT and AFT models on the journeys table; save under"
          + " <warehouse>/_models/lead_time/<version>/.")
  static final class Train implements Callable<Integer> {
    @Mixin ConfigOptions config;

    // --version names the model here, so picocli drops the standard -h/-V mixin (its --version clashes) without a
    // word: the help option is declared by hand.
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--version", description = "Version folder name (default v<UTC time>).")
    String version;

    @Option(names = "--folds", description = "Folds of the cross-validation by journey written to model_evaluation"
        + " (dataset warehouse); 0 = none (default lead-time-model.train-folds).")
    Integer folds;

    @Override
    public Integer call() {
      Environment env = Environment.open(config);
      int k = folds == null ? LeadTimeSettings.from(env.settings()).trainFolds() : folds;
      LeadTimeForecast.TrainResult r = LeadTimeForecast.train(env.warehouse(), env.settings(), version, k);
      System.out.println("lead-time-model train: " + r.summary());
      return 0;
    }
  }

  /** {@code leancx lead-time-model predict}. */
  @Command(name = "predict",
      description = "Forecast the remaining lead time of every OPEN journey into lead_time_forecast.")
  static final class Predict implements Callable<Integer> {
    @Mixin ConfigOptions config;

    // --version names the model here, so picocli drops the standard -h/-V mixin (its --version clashes) without a
    // word: the help option is declared by hand.
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--version", description = "Model version to use (default: the newest).")
    String version;

    @Override
    public Integer call() {
      Environment env = Environment.open(config);
      LeadTimeForecast.PredictResult r = LeadTimeForecast.predict(env.warehouse(), env.settings(), version);
      System.out.println("lead-time-model predict: " + r.summary());
      return 0;
    }
  }

  /** {@code leancx lead-time-model evaluate}. */
  @Command(name = "evaluate", mixinStandardHelpOptions = true,
      description = "Cross-validate by case on a public log (every prefix 1..n-1 of every test case), write"
          + " model_evaluation and print the MAE beside the published figures; --source warehouse cross-validates on"
          + " the warehouse's journeys instead.")
  static final class Evaluate implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin ConfigOptions config;

    @Option(names = "--source", defaultValue = "public",
        description = "public (a public log, --dataset) or warehouse (the journeys of the warehouse, cross-validated"
            + " as train does, without saving a model); default public.")
    String source;

    @Option(names = "--dataset", defaultValue = "helpdesk",
        description = "helpdesk, bpic2013, bpic2012 (all events) or bpic2012-complete (COMPLETE events only, as in the benchmark's 7.20); default helpdesk.")
    String dataset;

    @Option(names = "--folds", description = "Folds (default lead-time-model.folds).")
    Integer folds;

    @Override
    public Integer call() {
      if (!source.equals("public") && !source.equals("warehouse")) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "--source is '" + source + "': use public (with --dataset) or warehouse.");
      }
      Environment env = Environment.open(config);
      if (source.equals("warehouse")) {
        int k = folds == null ? Math.max(2, LeadTimeSettings.from(env.settings()).trainFolds()) : folds;
        if (k < 2) {
          throw new IllegalArgumentException("--folds is " + k + ": use at least 2.");
        }
        LeadTimeEvaluation.CrossValidation cv = LeadTimeEvaluation.runWarehouse(env.warehouse(), env.settings(), k);
        System.out.println("lead-time-model evaluate (warehouse journeys): " + cv.summary());
        return 0;
      }
      BenchmarkDataset d = BenchmarkDataset.parse(dataset);
      int k = folds == null ? LeadTimeSettings.from(env.settings()).folds() : folds;
      if (k < 2) {
        throw new IllegalArgumentException("--folds is " + k + ": use at least 2.");
      }
      LeadTimeEvaluation.Result r = LeadTimeEvaluation.run(env.warehouse(), env.settings(), d, k);
      System.out.print(r.table());
      System.out.printf("MAE %s gbt %.3f days (%d folds, %.0f s)%n", d.label(), r.meanMaeDays().get("gbt"), k,
          r.seconds());
      return 0;
    }
  }
}
