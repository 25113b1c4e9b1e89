package p402.jobs.alerts;

/** The margin alerts of one subject that are open, each null when its condition does not hold. */
public class OpenEpisodes {

    public Alert negativeMargin;
    public Alert lowMargin;
    public Alert costPerAcceptedJump;

    public OpenEpisodes() {}

    boolean isEmpty() {
        return negativeMargin == null && lowMargin == null && costPerAcceptedJump == null;
    }
}
