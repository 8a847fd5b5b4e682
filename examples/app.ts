// The example app: `npm run synth:example` synthesizes it offline into cdk.out/.
import { exampleApp } from './example-stack';

exampleApp().synth();
