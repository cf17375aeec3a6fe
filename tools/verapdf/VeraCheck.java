// Drives the veraPDF validation library (greenfield parser, veraPDF's bundled validation
// profiles) on PDF files: PDF/UA-1, and the PDF/A flavour each file declares in its XMP
// (VERA_PDFA=3a forces one). Compiled by tools/verapdf/install, run by tools/verapdf/verapdf.
// Details (failed rules: clause-test, count, description, two samples with their object) go
// to stderr; one summary line per file goes to stdout:
//   verapdf: FILE ua1 failed-rules N, pdfa failed-rules M
// Exit status: 0 when every file passes both profiles, 1 when a rule failed, 2 on an error.
import java.io.File;
import java.util.*;
import org.verapdf.gf.foundry.VeraGreenfieldFoundryProvider;
import org.verapdf.pdfa.Foundries;
import org.verapdf.pdfa.PDFAParser;
import org.verapdf.pdfa.PDFAValidator;
import org.verapdf.pdfa.flavours.PDFAFlavour;
import org.verapdf.pdfa.results.TestAssertion;
import org.verapdf.pdfa.results.ValidationResult;
import org.verapdf.pdfa.validation.profiles.Rule;
import org.verapdf.pdfa.validation.profiles.RuleId;
import org.verapdf.pdfa.validation.validators.ValidatorFactory;

public class VeraCheck {
    static PDFAFlavour declaredPdfa(File f) throws Exception {
        try (PDFAParser p = Foundries.defaultInstance().createParser(f)) {
            for (PDFAFlavour fl : p.getFlavours()) {
                String id = fl.getId();
                if (id.matches("[1-4][abuef]?") ) return fl;
            }
            PDFAFlavour fl = p.getFlavour();
            return fl;
        }
    }

    static int validate(File f, PDFAFlavour flavour, int maxShown, StringBuilder detail) throws Exception {
        long t0 = System.nanoTime();
        try (PDFAParser parser = Foundries.defaultInstance().createParser(f, flavour)) {
            PDFAValidator v = ValidatorFactory.createValidator(flavour, maxShown, false, true, false);
            ValidationResult r = v.validate(parser);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            Map<RuleId, Integer> failed = new TreeMap<>(Comparator.comparing((RuleId id) -> id.getClause()).thenComparingInt(RuleId::getTestNumber));
            failed.putAll(r.getFailedChecks());
            Map<RuleId, List<TestAssertion>> samples = new HashMap<>();
            for (TestAssertion a : r.getTestAssertions()) {
                if (a.getStatus() == TestAssertion.Status.FAILED)
                    samples.computeIfAbsent(a.getRuleId(), k -> new ArrayList<>()).add(a);
            }
            int nrules = r.getValidationProfile() == null ? -1 : r.getValidationProfile().getRules().size();
            detail.append(String.format("== %s  profile %s (%d rules)  compliant=%s  end=%s  failed-rules=%d  failed-checks=%d  (%d ms)%n",
                f.getName(), flavour.getId(), nrules, r.isCompliant(), r.getJobEndStatus(), failed.size(),
                failed.values().stream().mapToInt(Integer::intValue).sum(), ms));
            for (Map.Entry<RuleId, Integer> e : failed.entrySet()) {
                RuleId id = e.getKey();
                Rule rule = r.getValidationProfile() == null ? null : r.getValidationProfile().getRuleByRuleId(id);
                detail.append(String.format("  %s-%d  x%d  %s%n", id.getClause(), id.getTestNumber(), e.getValue(),
                    rule == null ? "" : rule.getDescription().replaceAll("\\s+", " ")));
                List<TestAssertion> s = samples.getOrDefault(id, List.of());
                for (int i = 0; i < Math.min(2, s.size()); i++) {
                    TestAssertion a = s.get(i);
                    String msg = a.getErrorMessage() != null ? a.getErrorMessage() : a.getMessage();
                    detail.append(String.format("      e.g. %s%n           at %s%n", msg == null ? "" : msg.replaceAll("\\s+", " "),
                        a.getLocation() == null ? "" : a.getLocation().getContext()));
                }
            }
            return failed.size();
        }
    }

    public static void main(String[] args) throws Exception {
        VeraGreenfieldFoundryProvider.initialise();
        int maxShown = 100;
        String fixedPdfa = System.getenv().getOrDefault("VERA_PDFA", "");
        int status = 0;
        for (String path : args) {
            File f = new File(path);
            if (!f.isFile()) { System.err.println("verapdf: no such file: " + path); status = 2; continue; }
            StringBuilder detail = new StringBuilder();
            int ua = validate(f, PDFAFlavour.PDFUA_1, maxShown, detail);
            PDFAFlavour pf = fixedPdfa.isEmpty() ? declaredPdfa(f) : PDFAFlavour.fromString(fixedPdfa);
            String pdfaLabel;
            int pa;
            if (pf == null || pf == PDFAFlavour.NO_FLAVOUR || pf.getId().startsWith("ua") || pf.getId().startsWith("wt")) {
                pdfaLabel = "pdfa(none declared)"; pa = -1;
            } else {
                pa = validate(f, pf, maxShown, detail);
                pdfaLabel = "pdfa(" + pf.getId() + ")";
            }
            detail.append(String.format("   (%s: declared PDF/A flavour %s)%n", path, pdfaLabel));
            System.err.print(detail);
            System.err.flush();
            System.out.printf("verapdf: %s ua1 failed-rules %d, pdfa failed-rules %d%n", path, ua, pa);
            System.out.flush();
            if (ua != 0 || pa != 0) status = 1;
        }
        System.exit(status);
    }
}
