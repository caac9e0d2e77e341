package org.leancx.leadtime;

import com.typesafe.config.Config;
import java.util.List;
import org.leancx.common.Settings;
import org.leancx.common.SettingsException;

/**
 * The typed {@code lead-time-model} section of the config: folds, seed, vocabularies and the model hyper-parameters.
 *
 * @param folds folds of the case-wise cross-validation, at least 2
 * @param seed seed of the fold assignment, of the inner validation split and of the GBT
 * @param maxActivities activity vocabulary size (count-so-far features)
 * @param maxAttributeLevels levels kept per categorical attribute
 * @param gbtMaxDepth depth of each tree
 * @param gbtMaxIter boosting iterations
 * @param gbtStepSize learning rate
 * @param gbtSubsamplingRate share of rows per tree
 * @param gbtMaxBins bins for continuous features
 * @param target what the trees predict
 * @param aftEnabled whether the AFT survival model is trained
 * @param aftMaxIter L-BFGS iterations of the AFT model
 * @param upperQuantile the quantile reported as predicted_p90_seconds
 * @param lowerQuantile the quantile reported as predicted_p10_seconds: with the upper one, the forecast's interval
 * @param tuningMaxDepths candidate depths of the inner validation
 * @param tuningMaxIters candidate iteration counts of the inner validation
 * @param validationShare share of training cases held out for the inner validation
 * @param dataDir folder of the public event logs for {@code evaluate}
 * @param maxTrainingJourneys closed journeys {@code train} learns from at most (a deterministic sample beyond it)
 * @param trainFolds folds of the cross-validation {@code train} runs on the journeys it learns from, or 0 for none
 * @param parallelFits model fits run at once (train's model and folds, evaluate's folds)
 */
public record LeadTimeSettings(
    int folds,
    long seed,
    int maxActivities,
    int maxAttributeLevels,
    int gbtMaxDepth,
    int gbtMaxIter,
    double gbtStepSize,
    double gbtSubsamplingRate,
    int gbtMaxBins,
    Target target,
    boolean aftEnabled,
    int aftMaxIter,
    double upperQuantile,
    double lowerQuantile,
    List<Integer> tuningMaxDepths,
    List<Integer> tuningMaxIters,
    double validationShare,
    String dataDir,
    int maxTrainingJourneys,
    int trainFolds,
    int parallelFits) {

  /** What the GBT is fitted on. */
  public enum Target {
    /** log1p(remaining seconds); predictions are expm1 of the model output. */
    LOG1P,
    /** The remaining seconds themselves. */
    SECONDS
  }

  public LeadTimeSettings {
    require(folds >= 2, "lead-time-model.folds is " + folds + ": use at least 2 (default 5).");
    require(maxActivities >= 1, "lead-time-model.max-activities is " + maxActivities + ": use at least 1 (default 64).");
    require(maxAttributeLevels >= 1,
        "lead-time-model.max-attribute-levels is " + maxAttributeLevels + ": use at least 1 (default 32).");
    require(gbtMaxDepth >= 1 && gbtMaxDepth <= 30,
        "lead-time-model.gbt.max-depth is " + gbtMaxDepth + ": use 1 to 30 (default 6).");
    require(gbtMaxIter >= 1, "lead-time-model.gbt.max-iter is " + gbtMaxIter + ": use at least 1 (default 60).");
    require(gbtStepSize > 0 && gbtStepSize <= 1,
        "lead-time-model.gbt.step-size is " + gbtStepSize + ": use a value in (0, 1] (default 0.1).");
    require(gbtSubsamplingRate > 0 && gbtSubsamplingRate <= 1,
        "lead-time-model.gbt.subsampling-rate is " + gbtSubsamplingRate + ": use a value in (0, 1] (default 0.8).");
    require(gbtMaxBins >= 2, "lead-time-model.gbt.max-bins is " + gbtMaxBins + ": use at least 2 (default 64).");
    require(aftMaxIter >= 1, "lead-time-model.aft.max-iter is " + aftMaxIter + ": use at least 1 (default 100).");
    require(upperQuantile > 0.5 && upperQuantile < 1,
        "lead-time-model.aft.upper-quantile is " + upperQuantile + ": use a value in (0.5, 1) (default 0.9).");
    require(lowerQuantile > 0 && lowerQuantile < 0.5,
        "lead-time-model.aft.lower-quantile is " + lowerQuantile + ": use a value in (0, 0.5) (default 0.1).");
    require(maxTrainingJourneys >= 100, "lead-time-model.max-training-journeys is " + maxTrainingJourneys
        + ": use at least 100 (default 5000).");
    require(trainFolds == 0 || trainFolds >= 2, "lead-time-model.train-folds is " + trainFolds
        + ": use 0 (no cross-validation in train) or at least 2 (default 3).");
    require(parallelFits >= 1, "lead-time-model.parallel-fits is " + parallelFits + ": use at least 1 (default 2).");
    tuningMaxDepths = List.copyOf(tuningMaxDepths);
    tuningMaxIters = List.copyOf(tuningMaxIters);
    for (int d : tuningMaxDepths) {
      require(d >= 1 && d <= 30, "lead-time-model.tuning.max-depths holds " + d + ": use depths 1 to 30.");
    }
    for (int i : tuningMaxIters) {
      require(i >= 1, "lead-time-model.tuning.max-iters holds " + i + ": use at least 1.");
    }
    require(validationShare > 0 && validationShare <= 0.5,
        "lead-time-model.tuning.validation-share is " + validationShare + ": use a value in (0, 0.5] (default 0.2).");
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new SettingsException(message);
    }
  }

  /** Whether the inner validation runs. */
  public boolean tuning() {
    return !tuningMaxDepths.isEmpty() || !tuningMaxIters.isEmpty();
  }

  /** The same settings with other GBT depth and iterations (for the inner validation). */
  public LeadTimeSettings withGbt(int maxDepth, int maxIter) {
    return new LeadTimeSettings(folds, seed, maxActivities, maxAttributeLevels, maxDepth, maxIter, gbtStepSize,
        gbtSubsamplingRate, gbtMaxBins, target, aftEnabled, aftMaxIter, upperQuantile, lowerQuantile, tuningMaxDepths,
        tuningMaxIters, validationShare, dataDir, maxTrainingJourneys, trainFolds, parallelFits);
  }

  public static LeadTimeSettings from(Settings settings) {
    Config c = settings.config().getConfig("lead-time-model");
    String target = c.getString("gbt.target");
    Target parsed;
    switch (target) {
      case "log1p" -> parsed = Target.LOG1P;
      case "seconds" -> parsed = Target.SECONDS;
      default -> throw new SettingsException(
          "lead-time-model.gbt.target is '" + target + "': use log1p or seconds (default log1p).");
    }
    return new LeadTimeSettings(
        c.getInt("folds"),
        c.getLong("seed"),
        c.getInt("max-activities"),
        c.getInt("max-attribute-levels"),
        c.getInt("gbt.max-depth"),
        c.getInt("gbt.max-iter"),
        c.getDouble("gbt.step-size"),
        c.getDouble("gbt.subsampling-rate"),
        c.getInt("gbt.max-bins"),
        parsed,
        c.getBoolean("aft.enabled"),
        c.getInt("aft.max-iter"),
        c.getDouble("aft.upper-quantile"),
        c.getDouble("aft.lower-quantile"),
        c.getIntList("tuning.max-depths"),
        c.getIntList("tuning.max-iters"),
        c.getDouble("tuning.validation-share"),
        settings.path("lead-time-model.data-dir"),
        c.getInt("max-training-journeys"),
        c.getInt("train-folds"),
        c.getInt("parallel-fits"));
  }
}
