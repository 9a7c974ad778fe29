// Plugs the inquiry form into its slot (#/inquiry). Imported once by main.ts before the app mounts.
import InquiryForm from '../components/InquiryForm.svelte';
import { registerInquiryForm } from './inquiry-slot';

registerInquiryForm(InquiryForm);
